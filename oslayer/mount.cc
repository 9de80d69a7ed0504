#include "oslayer/mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {
namespace {

uint64_t attr_bits(MountAttrs a) {
  uint64_t bits = 0;
  if (a.read_only) bits |= MOUNT_ATTR_RDONLY;
  if (a.no_suid) bits |= MOUNT_ATTR_NOSUID;
  if (a.no_dev) bits |= MOUNT_ATTR_NODEV;
  if (a.no_exec) bits |= MOUNT_ATTR_NOEXEC;
  return bits;
}

Result<Fd> openat2_in_root(int root, const std::string& path, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
    if (fd >= 0) return Fd(static_cast<int>(fd));
    if (errno == EINTR || errno == EAGAIN) continue;
    return Error::sys(errno, "opening " + path);
  }
}

Status check_kind(int fd, TargetKind kind, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) < 0) return Error::sys(errno, "inspecting " + path);
  bool is_dir = S_ISDIR(st.st_mode);
  if (kind == TargetKind::kDirectory && !is_dir) {
    return Error::sys(ENOTDIR, path + " is not a directory in the image");
  }
  if (kind == TargetKind::kFile && is_dir) {
    return Error::sys(EISDIR, path + " is a directory in the image, a file is needed");
  }
  return ok();
}

}  // namespace

Result<Fd> make_fs_mount(const std::string& fstype,
                         const std::vector<std::pair<std::string, std::string>>& options,
                         MountAttrs attrs) {
  int fs = ::fsopen(fstype.c_str(), FSOPEN_CLOEXEC);
  if (fs < 0) return Error::sys(errno, "opening a new " + fstype + " filesystem");
  Fd fs_fd(fs);
  for (const auto& [key, value] : options) {
    int rc = value.empty() ? ::fsconfig(fs, FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0)
                           : ::fsconfig(fs, FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0);
    if (rc < 0) return Error::sys(errno, "setting " + fstype + " option " + key);
  }
  if (::fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
    return Error::sys(errno, "creating a " + fstype + " filesystem");
  }
  int mnt = ::fsmount(fs, FSMOUNT_CLOEXEC, static_cast<unsigned>(attr_bits(attrs)));
  if (mnt < 0) return Error::sys(errno, "mounting a new " + fstype + " filesystem");
  return Fd(mnt);
}

Result<Fd> clone_mount(int source, bool recursive) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
  if (recursive) flags |= AT_RECURSIVE;
  int fd = ::open_tree(source, "", flags);
  if (fd < 0) return Error::sys(errno, "cloning a mount");
  return Fd(fd);
}

Result<Fd> clone_mount_at(int dir, const std::string& path, bool recursive) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (recursive) flags |= AT_RECURSIVE;
  int fd = ::open_tree(dir, path.c_str(), flags);
  if (fd < 0) return Error::sys(errno, "cloning the mount at " + path);
  return Fd(fd);
}

Status attach_mount_at(int mount_fd, int dir, const std::string& path) {
  if (::move_mount(mount_fd, "", dir, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0) {
    return Error::sys(errno, "mounting on " + path);
  }
  return ok();
}

Status set_mount_attrs(int mount_fd, MountAttrs attrs, bool recursive) {
  struct mount_attr attr {};
  attr.attr_set = attr_bits(attrs);
  if (attr.attr_set == 0) return ok();
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (::mount_setattr(mount_fd, "", flags, &attr, sizeof attr) < 0) {
    return Error::sys(errno, "setting mount attributes");
  }
  return ok();
}

Status attach_mount(int mount_fd, int target) {
  if (::move_mount(mount_fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
      0) {
    return Error::sys(errno, "attaching a mount");
  }
  return ok();
}

Status bind_mount(int source, int target, bool recursive, MountAttrs attrs) {
  auto m = clone_mount(source, recursive);
  if (!m) return std::move(m).error();
  if (auto s = set_mount_attrs(m->get(), attrs, recursive); !s) return s;
  return attach_mount(m->get(), target);
}

Status set_propagation(const std::string& path, Propagation p, bool recursive) {
  unsigned long flags = p == Propagation::kPrivate ? MS_PRIVATE
                        : p == Propagation::kSlave ? MS_SLAVE
                                                   : MS_SHARED;
  if (recursive) flags |= MS_REC;
  if (::mount("", path.c_str(), nullptr, flags, nullptr) < 0) {
    return Error::sys(errno, "changing the propagation of " + path);
  }
  return ok();
}

Status pivot_into(int new_root) {
  if (::fchdir(new_root) < 0) return Error::sys(errno, "entering the new root");
  // pivot_root(".", "."): the old root ends up stacked on the new one, where it can be detached
  // at once without needing a directory for it inside the image (the trick runc and crun use).
  if (::syscall(SYS_pivot_root, ".", ".") < 0) return Error::sys(errno, "pivot_root");
  if (::umount2(".", MNT_DETACH) < 0) return Error::sys(errno, "detaching the old root");
  if (::chdir("/") < 0) return Error::sys(errno, "changing to the new /");
  return ok();
}

Status unmount(const std::string& path, int flags) {
  if (::umount2(path.c_str(), flags) < 0) return Error::sys(errno, "unmounting " + path);
  return ok();
}

Status detach_mount_tree(int mount_root) {
  return unmount("/proc/self/fd/" + std::to_string(mount_root), MNT_DETACH);
}

namespace {

Result<Fd> open_mount_target_at_depth(int root, const std::string& path, TargetKind kind,
                                      int depth) {
  // As the kernel's own limit on nested symlinks.
  if (depth > 40) return Error::sys(ELOOP, "resolving mount target " + path);
  // Split into elements, refusing "..": mount paths come from manifests and are absolute and
  // clean; a ".." there is a mistake or an attack.
  std::vector<std::string> elements;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    std::string e = path.substr(pos, next - pos);
    // (A relative symlink followed at depth > 0 may bring "..", which RESOLVE_IN_ROOT clamps.)
    if (e == ".." && depth == 0) {
      return Error::sys(EINVAL, "mount target " + path + " contains \"..\"");
    }
    if (!e.empty() && e != ".") elements.push_back(std::move(e));
    pos = next + 1;
  }
  if (elements.empty()) return Error::sys(EINVAL, "mount target " + path + " is the root");

  auto whole = openat2_in_root(root, path, O_PATH);
  if (whole) {
    if (auto s = check_kind(whole->get(), kind, path); !s) return std::move(s).error();
    return whole;
  }
  if (whole.error().code() != ENOENT) return std::move(whole).error();

  // Some element is missing: walk down, resolving each prefix in the root, and create what is
  // missing in the already-resolved parent (mkdirat/openat never follow a final symlink).
  Fd parent;
  {
    auto r = openat2_in_root(root, ".", O_PATH | O_DIRECTORY);
    if (!r) return std::move(r).error();
    parent = std::move(*r);
  }
  std::string prefix;
  for (size_t i = 0; i < elements.size(); ++i) {
    bool last = i + 1 == elements.size();
    prefix += "/" + elements[i];
    auto r = openat2_in_root(root, prefix, O_PATH);
    if (!r && r.error().code() == ENOENT) {
      int rc = 0;
      if (last && kind == TargetKind::kFile) {
        rc = ::openat(parent.get(), elements[i].c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (rc >= 0) ::close(rc);
      } else {
        rc = ::mkdirat(parent.get(), elements[i].c_str(), 0755);
      }
      if (rc < 0 && errno == EEXIST) {
        // A dangling symlink: create what it points to, inside the root, as the kernel would
        // have resolved it there, then go on from there.
        char link[4096];
        ssize_t n = ::readlinkat(parent.get(), elements[i].c_str(), link, sizeof link - 1);
        if (n < 0) return Error::sys(errno, "creating mount target " + prefix);
        std::string target(link, static_cast<size_t>(n));
        std::string base = prefix.substr(0, prefix.rfind('/'));
        std::string next = target[0] == '/' ? target : base + "/" + target;
        for (size_t j = i + 1; j < elements.size(); ++j) next += "/" + elements[j];
        return open_mount_target_at_depth(root, next, kind, depth + 1);
      }
      if (rc < 0) return Error::sys(errno, "creating mount target " + prefix);
      r = openat2_in_root(root, prefix, O_PATH);
    }
    if (!r) return std::move(r).error().context("resolving mount target " + path);
    if (!last) {
      if (auto s = check_kind(r->get(), TargetKind::kDirectory, prefix); !s) {
        return std::move(s).error();
      }
    } else if (auto s = check_kind(r->get(), kind, path); !s) {
      return std::move(s).error();
    }
    parent = std::move(*r);
  }
  return parent;
}

}  // namespace

Result<Fd> open_mount_target(int root, const std::string& path, TargetKind kind) {
  return open_mount_target_at_depth(root, path, kind, 0);
}

Result<Fd> open_in_root(int root, const std::string& path, int flags) {
  return openat2_in_root(root, path, flags);
}

MountGuard& MountGuard::operator=(MountGuard&& o) noexcept {
  if (this != &o) {
    reset();
    path_ = std::exchange(o.path_, {});
  }
  return *this;
}

void MountGuard::reset() {
  if (path_.empty()) return;
  // A guard runs on the way out, often after another failure: a mount that cannot be detached
  // is left for the mount namespace's end.
  (void)::umount2(path_.c_str(), MNT_DETACH);
  path_.clear();
}

}  // namespace oslayer
