#include "stage0/insecure_options.h"

#include <array>
#include <utility>
#include <vector>

namespace stage0 {
namespace {

struct Named {
  std::string_view name;
  uint32_t bits;
};

constexpr std::array<Named, 12> kTable = {{
    {"none", 0},
    {"image", InsecureOptions::kImage},
    {"tls", InsecureOptions::kTls},
    {"ondisk", InsecureOptions::kOnDisk},
    {"http", InsecureOptions::kHttp},
    {"pubkey", InsecureOptions::kPubKey},
    {"capabilities", InsecureOptions::kCapabilities},
    {"paths", InsecureOptions::kPaths},
    {"seccomp", InsecureOptions::kSeccomp},
    {"all-fetch", InsecureOptions::kAllFetch},
    {"all-run", InsecureOptions::kAllRun},
    {"all", InsecureOptions::kAll},
}};

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

oslayer::Result<InsecureOptions> InsecureOptions::parse(std::string_view list) {
  if (list.empty()) return InsecureOptions();
  const std::string lower = to_lower_ascii(list);
  std::string_view rest = lower;
  std::vector<std::string_view> seen;
  uint32_t bits = 0;
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const Named* match = nullptr;
    for (const Named& n : kTable) {
      if (n.name == item) match = &n;
    }
    if (match == nullptr) {
      return oslayer::Error::msg("unknown option \"" + std::string(item) +
                                 "\" (valid: " + std::string(kNames) + ")");
    }
    for (std::string_view s : seen) {
      if (s == item) {
        return oslayer::Error::msg("duplicated option \"" + std::string(item) + "\"");
      }
    }
    seen.push_back(item);
    bits |= match->bits;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return InsecureOptions(bits);
}

std::string InsecureOptions::str() const {
  std::string out;
  for (const Named& n : kTable) {
    // Only the single options: the groups would repeat what their members already say.
    if (n.bits == 0 || (n.bits & (n.bits - 1)) != 0) continue;
    if ((bits_ & n.bits) == 0) continue;
    if (!out.empty()) out += ',';
    out += n.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace stage0
