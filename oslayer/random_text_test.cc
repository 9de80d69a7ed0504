#include "oslayer/random_text.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace oslayer {
namespace {

TEST(RandomText, HasTheLengthAndOnlyTheAlphabet) {
  auto t = random_text(500, "ab7");
  ASSERT_TRUE(t) << t.error().text();
  EXPECT_EQ(t->size(), 500u);
  EXPECT_EQ(t->find_first_not_of("ab7"), std::string::npos);
  // 500 draws from three characters: each one shows up (a stuck generator would not).
  for (char c : std::string("ab7")) EXPECT_NE(t->find(c), std::string::npos) << c;
}

TEST(RandomText, DiffersFromCallToCall) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto t = random_text(12, "0123456789abcdef");
    ASSERT_TRUE(t);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(RandomText, ZeroLengthIsEmpty) {
  auto t = random_text(0, "xyz");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->empty());
}

TEST(RandomText, RefusesAnEmptyAlphabet) {
  auto t = random_text(4, "");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().text().find("alphabet"), std::string::npos);
}

TEST(RandomBytes, FillsTheBuffer) {
  unsigned char a[64] = {}, b[64] = {};
  ASSERT_TRUE(random_bytes(a, sizeof a));
  ASSERT_TRUE(random_bytes(b, sizeof b));
  EXPECT_NE(std::string(reinterpret_cast<char*>(a), sizeof a),
            std::string(reinterpret_cast<char*>(b), sizeof b));
}

}  // namespace
}  // namespace oslayer
