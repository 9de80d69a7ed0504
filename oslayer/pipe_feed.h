// Feeding a file into a pipe by our own reads and non-blocking writes, for a loop that polls
// the pipe (the signature check's, stage0/trust/verify_loop.h).
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// pread(2) of up to `size` bytes at `offset`, restarted after a signal; 0 at the end of the file.
Result<size_t> pread_some(int fd, char* buffer, size_t size, int64_t offset);

// One write(2) of as much of `data` as `fd` takes now, restarted after a signal. Errors keep
// their errno: EAGAIN (a non-blocking pipe is full), EPIPE (its reader is gone; SIGPIPE is the
// caller's to ignore).
Result<size_t> write_some(int fd, std::string_view data);

// Asks for a pipe buffer of `bytes` (F_SETPIPE_SZ); the kernel may give more, or refuse past
// /proc/sys/fs/pipe-max-size. Returns the size the pipe now has.
Result<int> resize_pipe(int pipe_fd, int bytes);

// The number of bytes waiting in a pipe (FIONREAD), from either end.
Result<int> pipe_queued(int pipe_fd);

// poll(2), restarted after a signal. The number of entries with events.
Result<int> poll_fds(std::span<struct pollfd> fds, int timeout_ms);

}  // namespace oslayer
