#include "stage2/passwd.h"

#include <gtest/gtest.h>

namespace stage2 {
namespace {

TEST(ParsePasswd, ReadsWellFormedLinesAndSkipsTheRest) {
  const char* text =
      "root:x:0:0:root:/root:/bin/sh\n"
      "# a comment\n"
      "\n"
      "user:x:1000:1000::/home/user:/bin/sh\r\n"
      "+nis:x:5:5::/:/bin/sh\n"
      "short:x:1\n"
      "neg:x:-1:0::/:/bin/sh\n"
      "big:x:4294967295:0::/:/bin/sh\n"
      "huge:x:99999999999:0::/:/bin/sh\n"
      ":x:7:7::/:/bin/sh\n"
      "plus:x:+3:0::/:/bin/sh\n"
      "hex:x:0x10:0::/:/bin/sh\n"
      "nobody:x:65534:65534:nobody:/:/bin/false";
  auto e = parse_passwd(text);
  ASSERT_EQ(e.size(), 3U);
  EXPECT_EQ(e[0], (PasswdEntry{"root", 0, 0}));
  EXPECT_EQ(e[1], (PasswdEntry{"user", 1000, 1000}));
  EXPECT_EQ(e[2], (PasswdEntry{"nobody", 65534, 65534}));
}

TEST(ParseGroup, ReadsWellFormedLinesAndSkipsTheRest) {
  auto e = parse_group("root:x:0:\nwheel:x:10:user,other\nbad:x:ten:\n-nis:x:3:\nuser:x:1000:");
  ASSERT_EQ(e.size(), 3U);
  EXPECT_EQ(e[0], (GroupEntry{"root", 0}));
  EXPECT_EQ(e[1], (GroupEntry{"wheel", 10}));
  EXPECT_EQ(e[2], (GroupEntry{"user", 1000}));
}

TEST(ParseId, DecimalBelowMinusOne) {
  EXPECT_EQ(parse_id("0"), 0U);
  EXPECT_EQ(parse_id("4294967294"), 4294967294U);
  for (const char* bad : {"", "-1", "+1", "1a", " 1", "4294967295", "12345678901", "0x1"}) {
    EXPECT_FALSE(parse_id(bad)) << bad;
  }
}

}  // namespace
}  // namespace stage2
