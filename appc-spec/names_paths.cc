// The string rules that are not identifiers: environment names, paths, timestamps, URLs,
// addresses and the os/arch table.
#include <arpa/inet.h>

#include <array>
#include <string>

#include "appc-spec/names.h"

namespace appc {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads exactly `n` digits at s[pos], advancing pos.
bool digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

struct OsArches {
  std::string_view os;
  std::array<std::string_view, 10> arches;
};

// The reference implementation's ValidOSArch table.
constexpr std::array<OsArches, 3> kOsArch = {{
    {"linux",
     {"amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le",
      "s390x"}},
    {"freebsd", {"amd64", "i386", "arm"}},
    {"darwin", {"x86_64", "i386"}},
}};

}  // namespace

Status check_env_name(std::string_view name) {
  if (name.empty()) return Error::msg("environment variable name must not be empty");
  bool first = true;
  for (char c : name) {
    bool ok = is_alpha(c) || c == '_' || (!first && (is_digit(c) || c == '.' || c == '-'));
    if (!ok) {
      return Error::msg("environment variable name \"" + std::string(name.substr(0, 80)) +
                        "\" must match [A-Za-z_][A-Za-z_0-9.-]*");
    }
    first = false;
  }
  return oslayer::ok();
}

Status check_env_value(std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    return Error::msg("environment variable value must not contain a NUL byte");
  }
  if (value.find('\n') != std::string_view::npos) {
    return Error::msg("environment variable value must not contain a newline");
  }
  return oslayer::ok();
}

Status check_absolute_path(std::string_view path) {
  if (path.empty()) return Error::msg("path must not be empty");
  if (path.front() != '/') {
    return Error::msg("path \"" + std::string(path.substr(0, 200)) + "\" must be absolute");
  }
  if (path.find('\0') != std::string_view::npos) {
    return Error::msg("path must not contain a NUL byte");
  }
  return oslayer::ok();
}

Status check_timestamp(std::string_view s) {
  auto bad = [&] {
    return Error::msg("\"" + std::string(s.substr(0, 80)) +
                      "\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM))");
  };
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, day) || !expect(s, pos, 'T') ||
      !digits(s, pos, 2, hour) || !expect(s, pos, ':') || !digits(s, pos, 2, minute) ||
      !expect(s, pos, ':') || !digits(s, pos, 2, second)) {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return bad();
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return bad();
  }
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    ++pos;
    int oh = 0, om = 0;
    if (!digits(s, pos, 2, oh) || !expect(s, pos, ':') || !digits(s, pos, 2, om) || oh > 23 ||
        om > 59) {
      return bad();
    }
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  return oslayer::ok();
}

Status check_http_url(std::string_view s) {
  auto colon = s.find(':');
  std::string scheme(s.substr(0, colon == std::string_view::npos ? 0 : colon));
  for (auto& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "http" && scheme != "https") {
    return Error::msg("\"" + std::string(s.substr(0, 200)) + "\" must be an http or https URL");
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Error::msg("URL must not contain spaces or control characters");
    }
  }
  return oslayer::ok();
}

Status check_hostname(std::string_view s) {
  auto bad = [&] {
    return Error::msg("\"" + std::string(s.substr(0, 80)) + "\" is not a host name");
  };
  if (s.empty() || s.size() > 64) return bad();
  size_t label = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-') return bad();
      label = 0;
      continue;
    }
    if (!is_alpha(c) && !is_digit(c) && !(c == '-' && label > 0)) return bad();
    if (++label > 63) return bad();
  }
  if (label == 0 || s.back() == '-') return bad();
  return oslayer::ok();
}

Status check_ip_address(std::string_view s) {
  std::string text(s);
  unsigned char buf[16];
  // inet_pton is pure parsing (no system call), so it is allowed in this layer.
  if (inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    return oslayer::ok();
  }
  return Error::msg("\"" + std::string(s.substr(0, 80)) + "\" is not an IPv4 or IPv6 address");
}

Status check_os_arch(std::optional<std::string_view> os, std::optional<std::string_view> arch) {
  if (!os) return oslayer::ok();  // arch alone is not checked, as in the reference code
  for (const auto& entry : kOsArch) {
    if (entry.os != *os) continue;
    if (!arch) return oslayer::ok();
    for (auto a : entry.arches) {
      if (!a.empty() && a == *arch) return oslayer::ok();
    }
    std::string allowed;
    for (auto a : entry.arches) {
      if (a.empty()) continue;
      if (!allowed.empty()) allowed += ", ";
      allowed += a;
    }
    return Error::msg("arch \"" + std::string(arch->substr(0, 40)) + "\" is not valid for os " +
                      std::string(*os) + " (must be one of: " + allowed + ")");
  }
  return Error::msg("os \"" + std::string(os->substr(0, 40)) +
                    "\" is not one of darwin, freebsd, linux");
}

}  // namespace appc
