#include "stage0/fetch/http_headers.h"

#include <charconv>

namespace stage0::fetch {
namespace {

constexpr std::string_view kBlanks = " \t\r\n";

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kBlanks);
  return s.substr(begin, end - begin + 1);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_status_line(std::string_view line) { return line.starts_with("HTTP/"); }

std::optional<std::pair<std::string_view, std::string_view>> split_header_line(
    std::string_view line) {
  if (is_status_line(line)) return std::nullopt;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view name = line.substr(0, colon);
  // RFC 9112 forbids blanks between the field name and the colon; such a line is not a header.
  if (name.find_first_of(kBlanks) != std::string_view::npos) return std::nullopt;
  return std::make_pair(name, trim(line.substr(colon + 1)));
}

void apply_cache_control(std::string_view value, CacheDirectives& into) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view directive = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);

    size_t eq = directive.find('=');
    std::string_view name = trim(directive.substr(0, eq));
    std::string_view arg =
        eq == std::string_view::npos ? std::string_view() : trim(directive.substr(eq + 1));
    if (equals_ignoring_case(name, "no-cache") || equals_ignoring_case(name, "no-store")) {
      into.no_cache = true;
    } else if (equals_ignoring_case(name, "max-age")) {
      // RFC 9111 allows the quoted form; senders should not use it, but it costs nothing.
      if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') {
        arg = arg.substr(1, arg.size() - 2);
      }
      int64_t seconds = 0;
      auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), seconds);
      if (ec == std::errc() && end == arg.data() + arg.size() && !arg.empty() && seconds >= 0) {
        into.max_age = seconds;
      }
    }
  }
}

}  // namespace stage0::fetch
