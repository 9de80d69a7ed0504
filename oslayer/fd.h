// Fd: the one owner of a file descriptor. Move-only; closes on destruction. Handing an fd on to
// another owner (an exec'd stage, the lock-fd contract) is an explicit release().
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <string>

#include "oslayer/result.h"

namespace oslayer {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// openat(2) with O_CLOEXEC always added. `dir` may be AT_FDCWD.
Result<Fd> open_at(int dir, const std::string& path, int flags, mode_t mode = 0);
inline Result<Fd> open_path(const std::string& path, int flags, mode_t mode = 0) {
  return open_at(AT_FDCWD, path, flags, mode);
}
// An O_PATH|O_DIRECTORY handle, the anchor for *at() calls.
Result<Fd> open_dir(int dir, const std::string& path);

// Reads the whole file, failing when it grows beyond `limit` bytes (untrusted input is capped).
Result<std::string> read_all(int fd, size_t limit);
Result<std::string> read_file(const std::string& path, size_t limit);
// Writes every byte, retrying on EINTR and short writes.
Status write_all(int fd, std::string_view data);

// mkdir -p relative to `dir`; existing directories are fine.
Status make_dirs(int dir, const std::string& path, mode_t mode);

// Replaces fd 0 with /dev/null as seen from this process's root: a process that is not
// interactive reads nothing from its caller's terminal.
Status stdin_from_dev_null();

}  // namespace oslayer
