// flock(2) helpers. Rocket's state lives in directories guarded by flock + rename (as rkt's
// does), so a lock is simply a held fd: dropping the FileLock releases it.
#pragma once

#include <string>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

enum class LockMode { kShared, kExclusive };
enum class LockWait { kBlock, kTry };

class FileLock {
 public:
  FileLock() = default;
  explicit FileLock(Fd fd) : fd_(std::move(fd)) {}
  int fd() const { return fd_.get(); }
  bool held() const { return fd_.valid(); }
  // Gives the locked fd away (to an exec'd stage that keeps the lock); the lock stays held.
  Fd release() { return std::move(fd_); }

 private:
  Fd fd_;
};

// Opens `path` (a file, created if missing, or a directory) and locks it.
// With LockWait::kTry, a lock held elsewhere is an error with code EWOULDBLOCK.
Result<FileLock> lock_path(int dir, const std::string& path, LockMode mode, LockWait wait);
// Locks an fd the caller already owns; the caller keeps ownership.
Status lock_fd(int fd, LockMode mode, LockWait wait);
Status unlock_fd(int fd);

}  // namespace oslayer
