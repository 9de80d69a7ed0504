#include "oslayer/pipe_feed.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

struct Pipe {
  Fd read_end, write_end;
};
Pipe make_pipe() {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}
Fd temp_file(const std::string& contents) {
  Fd fd(::open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  EXPECT_TRUE(fd.valid());
  EXPECT_TRUE(write_all(fd.get(), contents));
  return fd;
}
std::string drain(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(SpliceToPipe, MovesFromTheOffsetAndAdvancesIt) {
  Fd file = temp_file("0123456789");
  Pipe p = make_pipe();
  int64_t offset = 3;
  auto moved = splice_to_pipe(file.get(), &offset, p.write_end.get(), 4);
  ASSERT_TRUE(moved) << moved.error().text();
  EXPECT_EQ(*moved, 4u);
  EXPECT_EQ(offset, 7);
  EXPECT_EQ(drain(p.read_end.get()), "3456");
  // The file's own offset is not the one used.
  EXPECT_EQ(::lseek(file.get(), 0, SEEK_CUR), 10);
}

TEST(SpliceToPipe, ZeroAtTheEndOfTheFile) {
  Fd file = temp_file("abc");
  Pipe p = make_pipe();
  int64_t offset = 3;
  auto moved = splice_to_pipe(file.get(), &offset, p.write_end.get(), 4096);
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, 0u);
}

TEST(SpliceToPipe, FullPipeIsEagainAndGoneReaderIsEpipe) {
  Fd file = temp_file(std::string(1 << 20, 'x'));
  Pipe p = make_pipe();
  int64_t offset = 0;
  Result<size_t> moved = size_t{0};
  do {
    moved = splice_to_pipe(file.get(), &offset, p.write_end.get(), 1 << 20);
  } while (moved && *moved > 0);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), EAGAIN);
  p.read_end.reset();
  // SIGPIPE would end the test: callers ignore it around their pipes, and so does this one.
  auto* old = std::signal(SIGPIPE, SIG_IGN);
  moved = splice_to_pipe(file.get(), &offset, p.write_end.get(), 4096);
  std::signal(SIGPIPE, old);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), EPIPE);
}

TEST(ResizePipe, GrowsIt) {
  Pipe p = make_pipe();
  auto size = resize_pipe(p.write_end.get(), 256 * 1024);
  ASSERT_TRUE(size) << size.error().text();
  EXPECT_GE(*size, 256 * 1024);
  EXPECT_FALSE(resize_pipe(-1, 4096));
}

TEST(PollFds, ReportsReadiness) {
  Pipe p = make_pipe();
  pollfd fds[] = {{p.read_end.get(), POLLIN, 0}, {p.write_end.get(), POLLOUT, 0}};
  auto ready = poll_fds(fds, 0);
  ASSERT_TRUE(ready);
  EXPECT_EQ(*ready, 1);
  EXPECT_EQ(fds[0].revents, 0);
  EXPECT_NE(fds[1].revents & POLLOUT, 0);
}

}  // namespace
}  // namespace oslayer
