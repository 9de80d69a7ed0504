#include "oslayer/error.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "oslayer/result.h"

namespace oslayer {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Error::msg("must be positive");
  return v;
}

Result<int> twice(int v) {
  auto r = parse_positive(v);
  if (!r) return std::move(r).error().context("doubling " + std::to_string(v));
  return *r * 2;
}

TEST(Error, TextReadsOutermostFirstOnOneLine) {
  Error e = Error::sys(EACCES, "mounting overlay");
  e.context("preparing app web").context("preparing pod 3f2a");
  EXPECT_EQ(e.text(), "preparing pod 3f2a: preparing app web: mounting overlay: Permission denied");
  EXPECT_EQ(e.text().find('\n'), std::string::npos);
}

TEST(Error, TreeNamesTheErrno) {
  Error e = Error::sys(ENOENT, "opening /x").context("loading");
  EXPECT_EQ(e.tree(), "loading\n  opening /x\n    errno 2 (ENOENT): No such file or directory");
}

// A name from a hostile manifest cannot forge a second line, cut the line or reach the terminal.
TEST(Error, ControlBytesAreEscaped) {
  using namespace std::string_literals;
  Error e = Error::msg("name \"A\0B\nrkt: ok\x1b[2J\x7f\"\tx"s).context("app \"a\rb\"");
  EXPECT_EQ(e.text(), R"(app "a\rb": name "A\x00B\nrkt: ok\x1b[2J\x7f"\tx)");
  EXPECT_EQ(e.tree(), "app \"a\\rb\"\n  name \"A\\x00B\\nrkt: ok\\x1b[2J\\x7f\"\\tx");
}

TEST(Error, MessageWithoutErrnoHasNoSuffix) {
  EXPECT_EQ(Error::msg("bad").text(), "bad");
  EXPECT_EQ(Error::msg("bad").code(), 0);
}

TEST(Result, CarriesValueOrErrorWithContext) {
  auto good = twice(4);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 8);
  auto bad = twice(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().text(), "doubling -1: must be positive");
}

TEST(Result, ContextPassesValuesThrough) {
  auto r = parse_positive(3).context("unused");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 3);
  Status s = Status(Error::msg("inner")).context("outer");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().text(), "outer: inner");
  EXPECT_TRUE(ok());
}

}  // namespace
}  // namespace oslayer
