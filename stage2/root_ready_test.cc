#include "stage2/root_ready.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "oslayer/fd_passing.h"

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
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->abort_code);
  EXPECT_TRUE(s->stdin_null);
  ::close(sv[0]);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  ::close(sv[0]);  // stage1 gone without a word
  auto gone = wait_for_root(sv[1]);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->abort_code, 254);
}

// Sends "c" with `fds` over `sock`, as stage1's launcher passes the app's v1 cgroups.
void send_cgroups(int sock, const std::vector<int>& fds) {
  ASSERT_TRUE(oslayer::send_with_fds(sock, "c", fds));
}

std::string read_back(int fd) {
  char buf[8] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Without root or cgroups: memfds stand for the `tasks` files, and what joining wrote to each
// is read back. The real join is tests/pods_e2e_test.sh's (the app in its v1 cgroups).
TEST(RootSignal, JoinsThePassedCgroupsBeforeTheGo) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int a = ::memfd_create("tasks-a", MFD_CLOEXEC), b = ::memfd_create("tasks-b", MFD_CLOEXEC);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  send_cgroups(sv[0], {a, b});
  ASSERT_EQ(::send(sv[0], "g", 1, 0), 1);
  auto s = wait_for_root(sv[1]);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_FALSE(s->abort_code);
  EXPECT_FALSE(s->stdin_null);
  EXPECT_EQ(read_back(a), "0");
  EXPECT_EQ(read_back(b), "0");
  ::close(a);
  ::close(b);
  ::close(sv[0]);
}

TEST(RootSignal, AFailedJoinIsAnError) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  send_cgroups(sv[0], {pipe_fds[0]});  // a read end: the write fails
  ASSERT_EQ(::send(sv[0], "g", 1, 0), 1);
  auto s = wait_for_root(sv[1]);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("joining the app's cgroups"), std::string::npos)
      << s.error().text();
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ::close(sv[0]);
}

}  // namespace
}  // namespace stage2
