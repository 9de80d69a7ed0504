#include "oslayer/pipe_feed.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {

Result<size_t> pread_some(int fd, char* buffer, size_t size, int64_t offset) {
  for (;;) {
    ssize_t got = ::pread(fd, buffer, size, offset);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return Error::sys(errno, "pread");
  }
}

Result<size_t> write_some(int fd, std::string_view data) {
  for (;;) {
    ssize_t wrote = ::write(fd, data.data(), data.size());
    if (wrote >= 0) return static_cast<size_t>(wrote);
    if (errno != EINTR) return Error::sys(errno, "write");
  }
}

Result<int> resize_pipe(int pipe_fd, int bytes) {
  int size = ::fcntl(pipe_fd, F_SETPIPE_SZ, bytes);
  if (size < 0) return Error::sys(errno, "F_SETPIPE_SZ");
  return size;
}

Result<int> pipe_queued(int pipe_fd) {
  int queued = 0;
  if (::ioctl(pipe_fd, FIONREAD, &queued) < 0) return Error::sys(errno, "FIONREAD");
  return queued;
}

Result<int> poll_fds(std::span<struct pollfd> fds, int timeout_ms) {
  for (;;) {
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready >= 0) return ready;
    if (errno != EINTR) return Error::sys(errno, "poll");
  }
}

}  // namespace oslayer
