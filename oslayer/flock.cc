#include "oslayer/flock.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

namespace oslayer {

Status lock_fd(int fd, LockMode mode, LockWait wait) {
  int op = (mode == LockMode::kShared ? LOCK_SH : LOCK_EX) | (wait == LockWait::kTry ? LOCK_NB : 0);
  for (;;) {
    if (::flock(fd, op) == 0) return ok();
    if (errno == EINTR) continue;
    return Error::sys(errno, "locking");
  }
}

Status unlock_fd(int fd) {
  if (::flock(fd, LOCK_UN) < 0) return Error::sys(errno, "unlocking");
  return ok();
}

Result<FileLock> lock_path(int dir, const std::string& path, LockMode mode, LockWait wait) {
  // O_RDONLY works for both files and directories and is all flock(2) needs.
  auto fd = open_at(dir, path, O_RDONLY | O_NOFOLLOW);
  if (!fd && fd.error().code() == ENOENT) {
    fd = open_at(dir, path, O_RDONLY | O_CREAT | O_NOFOLLOW, 0600);
  }
  if (!fd) return std::move(fd).error().context("locking " + path);
  auto locked = lock_fd(fd->get(), mode, wait);
  if (!locked) return std::move(locked).error().context("locking " + path);
  return FileLock(std::move(*fd));
}

}  // namespace oslayer
