#include "oslayer/pipe_feed.h"

#include <fcntl.h>

#include <cerrno>

namespace oslayer {

Result<size_t> splice_to_pipe(int file, int64_t* offset, int pipe_fd, size_t max) {
  for (;;) {
    loff_t at = *offset;
    ssize_t moved = ::splice(file, &at, pipe_fd, nullptr, max, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (moved >= 0) {
      *offset = at;
      return static_cast<size_t>(moved);
    }
    if (errno != EINTR) return Error::sys(errno, "splice into a pipe");
  }
}

Result<int> resize_pipe(int pipe_fd, int bytes) {
  int size = ::fcntl(pipe_fd, F_SETPIPE_SZ, bytes);
  if (size < 0) return Error::sys(errno, "F_SETPIPE_SZ");
  return size;
}

Result<int> poll_fds(std::span<struct pollfd> fds, int timeout_ms) {
  for (;;) {
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready >= 0) return ready;
    if (errno != EINTR) return Error::sys(errno, "poll");
  }
}

}  // namespace oslayer
