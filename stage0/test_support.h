// Helpers shared by the stage0 unit tests and tests/cli_test.cc: names for table-driven cases,
// and Nomad's reading of `rkt version`.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>

namespace stage0::testing_support {

// A test name GoogleTest accepts, from any text.
inline std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out.empty() ? "_" : out;
}

// For INSTANTIATE_TEST_SUITE_P: names each case by its `name` field.
template <class C>
std::string case_name(const ::testing::TestParamInfo<C>& info) {
  return test_name(info.param.name);
}

// What Nomad's rkt driver captures with `<tool> [Vv]ersion[:]? (\d[.\d]+)` (tool is "rkt" or
// "appc") from anywhere in `text`, or "" when nothing matches. Written out by hand because
// std::regex trips GCC 12's -Wmaybe-uninitialized under the sanitizers (a libstdc++ false
// positive), and CI builds those with -Werror.
inline std::string nomad_version(std::string_view text, std::string_view tool) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t at = text.find(tool); at != std::string_view::npos; at = text.find(tool, at + 1)) {
    std::string_view s = text.substr(at + tool.size());
    if (s.size() < 8 || s[0] != ' ' || (s[1] != 'V' && s[1] != 'v') || s.substr(2, 6) != "ersion") {
      continue;
    }
    s.remove_prefix(8);
    if (!s.empty() && s[0] == ':') s.remove_prefix(1);
    if (s.empty() || s[0] != ' ') continue;
    s.remove_prefix(1);
    if (s.empty() || !digit(s[0])) continue;
    size_t n = 1;
    while (n < s.size() && (digit(s[n]) || s[n] == '.')) ++n;
    if (n < 2) continue;  // [.\d]+ needs at least one more character
    return std::string(s.substr(0, n));
  }
  return "";
}

// True if `s` is not empty and every character is in `allowed`.
inline bool only_chars(std::string_view s, std::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

}  // namespace stage0::testing_support
