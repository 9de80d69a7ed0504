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

TEST(PreadSome, ReadsAtTheOffsetAndLeavesTheFilesOwn) {
  Fd file = temp_file("0123456789");
  char buf[4];
  auto got = pread_some(file.get(), buf, sizeof buf, 3);
  ASSERT_TRUE(got) << got.error().text();
  EXPECT_EQ(std::string(buf, *got), "3456");
  EXPECT_EQ(::lseek(file.get(), 0, SEEK_CUR), 10);
  got = pread_some(file.get(), buf, sizeof buf, 10);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, 0u);
  EXPECT_FALSE(pread_some(-1, buf, sizeof buf, 0));
}

TEST(WriteSome, FullPipeIsEagainAndGoneReaderIsEpipe) {
  Pipe p = make_pipe();
  const std::string chunk(1 << 20, 'x');
  size_t total = 0;
  Result<size_t> wrote = size_t{0};
  do {
    wrote = write_some(p.write_end.get(), chunk);
    if (wrote) total += *wrote;
  } while (wrote && *wrote > 0);
  ASSERT_FALSE(wrote);
  EXPECT_EQ(wrote.error().code(), EAGAIN);
  EXPECT_GT(total, 0u);
  EXPECT_EQ(drain(p.read_end.get()).size(), total);
  p.read_end.reset();
  // SIGPIPE would end the test: callers ignore it around their pipes, and so does this one.
  auto* old = std::signal(SIGPIPE, SIG_IGN);
  wrote = write_some(p.write_end.get(), "y");
  std::signal(SIGPIPE, old);
  ASSERT_FALSE(wrote);
  EXPECT_EQ(wrote.error().code(), EPIPE);
}

TEST(ResizePipe, GrowsIt) {
  Pipe p = make_pipe();
  auto size = resize_pipe(p.write_end.get(), 256 * 1024);
  ASSERT_TRUE(size) << size.error().text();
  EXPECT_GE(*size, 256 * 1024);
  EXPECT_FALSE(resize_pipe(-1, 4096));
}

TEST(PipeQueued, CountsFromEitherEnd) {
  Pipe p = make_pipe();
  ASSERT_TRUE(write_some(p.write_end.get(), "hello"));
  auto at_write_end = pipe_queued(p.write_end.get());
  auto at_read_end = pipe_queued(p.read_end.get());
  ASSERT_TRUE(at_write_end) << at_write_end.error().text();
  ASSERT_TRUE(at_read_end);
  EXPECT_EQ(*at_write_end, 5);
  EXPECT_EQ(*at_read_end, 5);
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
