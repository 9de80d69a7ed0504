// The pure helpers behind http.cc: header lines, Cache-Control, and the progress line.
#include "stage0/fetch/http_headers.h"

#include <gtest/gtest.h>

#include "stage0/fetch/progress.h"

namespace stage0::fetch {
namespace {

TEST(SplitHeaderLine, NameAndTrimmedValue) {
  auto h = split_header_line("ETag:  \"abc\" \r\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first, "ETag");
  EXPECT_EQ(h->second, "\"abc\"");
  auto empty = split_header_line("X-Empty:\r\n");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->second, "");
}

TEST(SplitHeaderLine, NotHeaders) {
  EXPECT_FALSE(split_header_line("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(split_header_line("\r\n"));
  EXPECT_FALSE(split_header_line("no colon\r\n"));
  EXPECT_FALSE(split_header_line(": value\r\n"));
  EXPECT_FALSE(split_header_line("Bad Name: value\r\n"));
}

TEST(StatusLine, Detected) {
  EXPECT_TRUE(is_status_line("HTTP/1.1 302 Found\r\n"));
  EXPECT_TRUE(is_status_line("HTTP/2 200\r\n"));
  EXPECT_FALSE(is_status_line("Location: HTTP/1.1\r\n"));
}

struct CacheCase {
  std::vector<const char*> values;  // one Cache-Control header each
  std::optional<int64_t> max_age;
};

class CacheControl : public ::testing::TestWithParam<CacheCase> {};

TEST_P(CacheControl, MaxAge) {
  CacheDirectives d;
  for (const char* v : GetParam().values) apply_cache_control(v, d);
  EXPECT_EQ(d.effective_max_age(), GetParam().max_age);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CacheControl,
    ::testing::Values(CacheCase{{"max-age=300"}, 300}, CacheCase{{"public, max-age=60"}, 60},
                      CacheCase{{"max-age=60, must-revalidate"}, 60}, CacheCase{{"Max-Age=7"}, 7},
                      CacheCase{{"max-age=\"9\""}, 9}, CacheCase{{" private ,  max-age = 12 "}, 12},
                      CacheCase{{"max-age=0"}, 0}, CacheCase{{"public"}, std::nullopt},
                      CacheCase{{""}, std::nullopt}, CacheCase{{"max-age="}, std::nullopt},
                      CacheCase{{"max-age=abc"}, std::nullopt},
                      CacheCase{{"max-age=-5"}, std::nullopt},
                      CacheCase{{"max-age=10s"}, std::nullopt},
                      CacheCase{{"max-age=99999999999999999999999"}, std::nullopt},
                      CacheCase{{"s-maxage=100"}, std::nullopt},
                      CacheCase{{"no-cache, max-age=60"}, std::nullopt},
                      CacheCase{{"max-age=60, no-store"}, std::nullopt},
                      CacheCase{{"max-age=60", "no-cache"}, std::nullopt},
                      CacheCase{{"public", "max-age=30"}, 30}));

TEST(EqualsIgnoringCase, Ascii) {
  EXPECT_TRUE(equals_ignoring_case("Cache-Control", "cache-control"));
  EXPECT_FALSE(equals_ignoring_case("ETag", "ETags"));
}

TEST(Progress, Bytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(12u * 1024 * 1024 + 300 * 1024), "12.3 MiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0 GiB");
}

TEST(Progress, Line) {
  // Too early for a rate.
  EXPECT_EQ(format_progress("image", 1024, 4096, 0.1), "image: 1.0 KiB / 4.0 KiB");
  // 1 MiB of 11 MiB in 2 s: 512 KiB/s, 10 MiB left: 20 s.
  EXPECT_EQ(format_progress("image", 1 << 20, 11 << 20, 2.0),
            "image: 1.0 MiB / 11.0 MiB  512.0 KiB/s  ETA 0:20");
  // Unknown total: no ETA.
  EXPECT_EQ(format_progress("sig", 2048, 0, 1.0), "sig: 2.0 KiB  2.0 KiB/s");
  // Hours.
  EXPECT_EQ(format_progress("x", 1000, 1000 + 3700 * 1000, 1.0),
            "x: 1000 B / 3.5 MiB  1000 B/s  ETA 1:01:40");
}

}  // namespace
}  // namespace stage0::fetch
