#include "stage2/passwd.h"

#include <charconv>

namespace stage2 {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t colon = line.find(':', start);
    if (colon == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, colon - start));
    start = colon + 1;
  }
}

// Calls `fn` with the fields of every line that is not blank, a comment or an NIS entry.
template <class F>
void for_each_line(std::string_view text, F fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    fn(split_fields(line));
  }
}

}  // namespace

std::optional<uint32_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s[0] == '+') return std::nullopt;
  if (v >= 0xffffffffULL) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> out;
  for_each_line(text, [&](const std::vector<std::string_view>& f) {
    if (f.size() < 4 || f[0].empty()) return;
    auto uid = parse_id(f[2]);
    auto gid = parse_id(f[3]);
    if (!uid || !gid) return;
    out.push_back(PasswdEntry{std::string(f[0]), *uid, *gid});
  });
  return out;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> out;
  for_each_line(text, [&](const std::vector<std::string_view>& f) {
    if (f.size() < 3 || f[0].empty()) return;
    auto gid = parse_id(f[2]);
    if (!gid) return;
    out.push_back(GroupEntry{std::string(f[0]), *gid});
  });
  return out;
}

}  // namespace stage2
