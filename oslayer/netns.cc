#include "oslayer/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "oslayer/fd.h"

namespace oslayer {

Status create_pinned_netns(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (auto st = make_dirs(AT_FDCWD, path.substr(0, slash), 0755); !st) return st;
  }
  {
    auto file = open_path(path, O_WRONLY | O_CREAT | O_EXCL, 0444);
    if (!file) return std::move(file).error().context("creating the network namespace pin");
  }
  auto own = open_path("/proc/thread-self/ns/net", O_RDONLY);
  if (!own) {
    (void)::unlink(path.c_str());
    return std::move(own).error();
  }
  // unshare(CLONE_NEWNET) moves only this thread; setns below brings it back.
  if (::unshare(CLONE_NEWNET) < 0) {
    int e = errno;
    (void)::unlink(path.c_str());
    return Error::sys(e, "creating a network namespace");
  }
  int mount_errno =
      ::mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) < 0 ? errno : 0;
  if (::setns(own->get(), CLONE_NEWNET) < 0) {
    // The thread would go on in the pod's namespace: nothing it did after could be trusted.
    ::abort();
  }
  if (mount_errno != 0) {
    (void)::unlink(path.c_str());
    return Error::sys(mount_errno, "pinning the network namespace on " + path);
  }
  return ok();
}

bool is_pinned_netns(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

Status remove_pinned_netns(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
      errno != ENOENT) {
    return Error::sys(errno, "unmounting the network namespace pin " + path);
  }
  if (::unlink(path.c_str()) < 0 && errno != ENOENT) {
    return Error::sys(errno, "removing the network namespace pin " + path);
  }
  return ok();
}

}  // namespace oslayer
