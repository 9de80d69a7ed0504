#include "oslayer/fd_passing.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oslayer {
namespace {

struct SocketPair {
  SocketPair() {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    a.reset(sv[0]);
    b.reset(sv[1]);
  }
  Fd a, b;
};

ino_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

// The fds arrive in order, as new close-on-exec descriptors of the same files.
TEST(FdPassing, FdsArriveWithTheirMessage) {
  SocketPair s;
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Fd r(p[0]), w(p[1]);
  ASSERT_TRUE(send_with_fds(s.a.get(), "c", {r.get(), w.get()}));
  ASSERT_TRUE(send_with_fds(s.a.get(), "n", {}));
  char buf[8];
  auto first = receive_with_fds(s.b.get(), buf, sizeof buf);
  ASSERT_EQ(first.size, 1);
  EXPECT_EQ(buf[0], 'c');
  EXPECT_FALSE(first.truncated);
  ASSERT_EQ(first.fds.size(), 2u);
  EXPECT_EQ(inode_of(first.fds[0].get()), inode_of(r.get()));
  EXPECT_EQ(inode_of(first.fds[1].get()), inode_of(w.get()));
  EXPECT_EQ(::fcntl(first.fds[0].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  auto second = receive_with_fds(s.b.get(), buf, sizeof buf);
  ASSERT_EQ(second.size, 1);
  EXPECT_EQ(buf[0], 'n');
  EXPECT_TRUE(second.fds.empty());
  s.a.reset();
  EXPECT_EQ(receive_with_fds(s.b.get(), buf, sizeof buf).size, 0);
}

TEST(FdPassing, TooManyFdsOrNoPeerIsNotSent) {
  SocketPair s;
  std::vector<int> many(kMaxPassedFds + 1, s.a.get());
  errno = 0;
  EXPECT_FALSE(send_with_fds(s.a.get(), "c", many));
  EXPECT_EQ(errno, E2BIG);
  s.b.reset();
  EXPECT_FALSE(send_with_fds(s.a.get(), "x", {}));  // and no SIGPIPE
}

}  // namespace
}  // namespace oslayer
