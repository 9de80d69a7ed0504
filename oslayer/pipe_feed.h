// Feeding a file into a pipe without copying it through our memory: splice(2) moves page-cache
// pages into the pipe, so a large file costs the reader its own read and nothing more here.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "oslayer/result.h"

namespace oslayer {

// Moves up to `max` bytes of the regular file `file`, from `*offset` on, into the pipe
// `pipe_fd` without blocking, and advances `*offset` by what moved. 0 at the end of the file.
// Errors keep their errno: EAGAIN (the pipe is full), EPIPE (no reader), EINVAL (a file system
// that cannot splice; the caller falls back to read and write).
Result<size_t> splice_to_pipe(int file, int64_t* offset, int pipe_fd, size_t max);

// Asks for a pipe buffer of `bytes` (F_SETPIPE_SZ); the kernel may give more, or refuse past
// /proc/sys/fs/pipe-max-size. Returns the size the pipe now has.
Result<int> resize_pipe(int pipe_fd, int bytes);

// poll(2), restarted after a signal. The number of entries with events.
Result<int> poll_fds(std::span<struct pollfd> fds, int timeout_ms);

}  // namespace oslayer
