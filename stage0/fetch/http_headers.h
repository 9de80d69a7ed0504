// Pure helpers for the response headers http.cc reads: header lines, ETag and Cache-Control.
// Kept apart from libcurl so they are tested without a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace stage0::fetch {

// "Name: value\r\n" -> {"Name", "value"} with the value's surrounding blanks trimmed. Status lines,
// the empty line that ends a header block and malformed lines give nullopt.
std::optional<std::pair<std::string_view, std::string_view>> split_header_line(
    std::string_view line);

// True for a status line ("HTTP/1.1 302 Found", "HTTP/2 200"): a new response begins, so what was
// read from an earlier response of a redirect chain no longer applies.
bool is_status_line(std::string_view line);

bool equals_ignoring_case(std::string_view a, std::string_view b);

// What Cache-Control headers (there may be several) said about reuse.
struct CacheDirectives {
  std::optional<int64_t> max_age;
  bool no_cache = false;  // no-cache or no-store: the cached copy must be revalidated

  // The max-age to store: none when the response must not be reused without asking again.
  std::optional<int64_t> effective_max_age() const { return no_cache ? std::nullopt : max_age; }
};

// Adds the directives of one Cache-Control value ("public, max-age=300"). Directive names are
// case-insensitive; a max-age that is not a decimal number (or overflows) is ignored.
void apply_cache_control(std::string_view value, CacheDirectives& into);

}  // namespace stage0::fetch
