#include "oslayer/dir_spread.h"

#include <linux/fs.h>
#include <sys/ioctl.h>

#include <cerrno>

namespace oslayer {

Status spread_subdirectories(int dir) {
  int flags = 0;
  if (::ioctl(dir, FS_IOC_GETFLAGS, &flags) < 0) {
    if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL) return ok();
    return Error::sys(errno, "reading the directory's inode flags");
  }
  if ((flags & FS_TOPDIR_FL) != 0) return ok();
  flags |= FS_TOPDIR_FL;
  if (::ioctl(dir, FS_IOC_SETFLAGS, &flags) < 0) {
    if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL) return ok();
    return Error::sys(errno, "setting the directory's top-of-hierarchy flag");
  }
  return ok();
}

}  // namespace oslayer
