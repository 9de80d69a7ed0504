// Mounts, done by file descriptor with the new mount API (fsopen/fsmount, open_tree, move_mount,
// mount_setattr): a target is a directory or file fd resolved beforehand (beneath a root), so a
// mount can never land on a path that an image swapped for a symlink in between.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

// Mount attributes (MOUNT_ATTR_*), named so callers need not include <linux/mount.h>.
struct MountAttrs {
  bool read_only = false;
  bool no_suid = false;
  bool no_dev = false;
  bool no_exec = false;
};

// fsopen(fstype) + fsconfig(key=value...) + fsmount: a new, detached instance of a filesystem
// ("proc", "sysfs", "tmpfs", "devpts"), returned as a mount fd. *at() calls work on it before it
// is attached anywhere.
Result<Fd> make_fs_mount(const std::string& fstype,
                         const std::vector<std::pair<std::string, std::string>>& options,
                         MountAttrs attrs);
// open_tree(OPEN_TREE_CLONE): a detached copy of the mount at `source` (any fd: a directory, a
// file, a tty), recursive or not.
Result<Fd> clone_mount(int source, bool recursive);
// mount_setattr on a mount fd: adds the attributes that are true (never clears one).
Status set_mount_attrs(int mount_fd, MountAttrs attrs, bool recursive);
// move_mount of a detached (or attached) mount fd onto the file or directory `target`.
Status attach_mount(int mount_fd, int target);
// The same two, with the target named by a path below the directory `dir` that the call itself
// looks up, following symlinks: only for a filesystem the kernel fills (procfs, sysfs), or one
// the caller just made and nothing else reaches, where no image or app can plant one. One call
// each instead of an open, the call and a close.
Result<Fd> clone_mount_at(int dir, const std::string& path, bool recursive);
Status attach_mount_at(int mount_fd, int dir, const std::string& path);
// clone_mount + set_mount_attrs + attach_mount: a bind mount from fd to fd.
Status bind_mount(int source, int target, bool recursive, MountAttrs attrs);

enum class Propagation { kPrivate, kSlave, kShared };
// mount("", path, MS_REC? | MS_<propagation>).
Status set_propagation(const std::string& path, Propagation p, bool recursive);

// pivot_root into the directory `new_root` (a mount point), then detaches the old root so that
// nothing of the old tree stays reachable, and changes to the new "/".
Status pivot_into(int new_root);

// umount2(path, flags).
Status unmount(const std::string& path, int flags);

// Lazily unmounts the mount whose root `mount_root` is (an fd opened on a mount point, which
// names the root of what is mounted there), with every mount below it: umount2(MNT_DETACH)
// through /proc/self/fd, so the path is not looked up again.
Status detach_mount_tree(int mount_root);

// What open_mount_target() leaves at the target when it is missing.
enum class TargetKind { kDirectory, kFile };

// Resolves `path` (absolute inside the root, or relative) beneath the directory `root` with
// RESOLVE_IN_ROOT: symlinks in the image are followed as if `root` were "/", so they cannot
// reach outside it. Missing elements are created (directories 0755, a last file 0644), never
// through a symlink. Returns an O_PATH fd of the target, checked to be of `kind`.
Result<Fd> open_mount_target(int root, const std::string& path, TargetKind kind);

// openat2(root, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: symlinks
// are followed as if `root` were "/". Nothing is created.
Result<Fd> open_in_root(int root, const std::string& path, int flags);

// Unmounts `path` (MNT_DETACH) when dropped, unless released. For mounts made in a mount
// namespace that outlives the code that made them.
class MountGuard {
 public:
  MountGuard() = default;
  explicit MountGuard(std::string path) : path_(std::move(path)) {}
  MountGuard(const MountGuard&) = delete;
  MountGuard& operator=(const MountGuard&) = delete;
  MountGuard(MountGuard&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  MountGuard& operator=(MountGuard&& o) noexcept;
  ~MountGuard() { reset(); }
  // Keeps the mount.
  void release() { path_.clear(); }
  void reset();

 private:
  std::string path_;
};

}  // namespace oslayer
