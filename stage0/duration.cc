#include "stage0/duration.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace stage0 {
namespace {

struct Unit {
  std::string_view name;
  int64_t ns;
};
// Longest names first so "ms" is not read as "m" followed by "s".
constexpr std::array<Unit, 8> kUnits = {{{"ns", 1},
                                         {"us", 1000},
                                         {"µs", 1000},
                                         {"ms", 1000000},
                                         {"h", 3600000000000},
                                         {"m", 60000000000},
                                         {"s", 1000000000},
                                         {"", 0}}};

}  // namespace

oslayer::Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  auto bad = [&] {
    return oslayer::Error::msg("invalid duration \"" + std::string(s) +
                               "\" (examples: 30s, 5m, 24h0m0s, 1.5h)");
  };
  if (s.empty()) return bad();
  std::string_view rest = s;
  bool negative = false;
  if (rest[0] == '+' || rest[0] == '-') {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return std::chrono::nanoseconds(0);
  if (rest.empty()) return bad();
  long double total = 0;
  while (!rest.empty()) {
    size_t i = 0;
    while (i < rest.size() && ((rest[i] >= '0' && rest[i] <= '9') || rest[i] == '.')) ++i;
    if (i == 0) return bad();
    std::string number(rest.substr(0, i));
    if (number == "." || number.find('.') != number.rfind('.')) return bad();
    rest.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (!u.name.empty() && rest.substr(0, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad();
    rest.remove_prefix(unit->name.size());
    total += std::stold(number) * static_cast<long double>(unit->ns);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return bad();
  }
  auto ns = static_cast<int64_t>(std::llround(total));
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  if (u < 1000000000) {
    // Below a second Go picks the largest unit that keeps an integer part.
    auto frac = [&](uint64_t unit, const char* name) {
      std::string out = std::to_string(u / unit);
      uint64_t rem = u % unit;
      if (rem != 0) {
        std::string digits = std::to_string(rem + unit).substr(1);
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        out += "." + digits;
      }
      return sign + out + name;
    };
    if (u < 1000) return sign + std::to_string(u) + "ns";
    if (u < 1000000) return frac(1000, "µs");
    return frac(1000000, "ms");
  }
  uint64_t secs = u / 1000000000;
  uint64_t frac_ns = u % 1000000000;
  std::string s = std::to_string(secs % 60);
  if (frac_ns != 0) {
    std::string digits = std::to_string(frac_ns + 1000000000).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    s += "." + digits;
  }
  s += "s";
  uint64_t mins = secs / 60;
  if (mins == 0) return sign + s;
  s = std::to_string(mins % 60) + "m" + s;
  uint64_t hours = mins / 60;
  if (hours == 0) return sign + s;
  return sign + std::to_string(hours) + "h" + s;
}

}  // namespace stage0
