#include "stage2/root_ready.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace stage2 {
namespace {

TEST(RootSignal, Decodes) {
  auto go = decode_root_signal("g");
  EXPECT_FALSE(go.abort_code);
  EXPECT_FALSE(go.stdin_null);
  auto null = decode_root_signal("n");
  EXPECT_FALSE(null.abort_code);
  EXPECT_TRUE(null.stdin_null);
  EXPECT_EQ(decode_root_signal(std::string_view("x\x03", 2)).abort_code, 3);
  EXPECT_EQ(decode_root_signal(std::string_view("x\xfe", 2)).abort_code, 254);
}

TEST(RootSignal, AnythingElseStops) {
  for (std::string_view bad : {"", "x", "gg", "G", "q", "x12"}) {
    EXPECT_EQ(decode_root_signal(bad).abort_code, 254) << bad;
  }
}

TEST(RootSignal, WaitsForTheMessageOrTheEnd) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  ASSERT_EQ(::send(sv[0], "n", 1, 0), 1);
  auto s = wait_for_root(sv[1]);
  EXPECT_FALSE(s.abort_code);
  EXPECT_TRUE(s.stdin_null);
  ::close(sv[0]);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  ::close(sv[0]);  // stage1 gone without a word
  EXPECT_EQ(wait_for_root(sv[1]).abort_code, 254);
}

}  // namespace
}  // namespace stage2
