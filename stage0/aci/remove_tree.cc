#include "stage0/aci/remove_tree.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <memory>

#include "oslayer/beneath.h"

namespace stage0::aci {
namespace {

using oslayer::Error;
using oslayer::Symlinks;

struct DirClose {
  void operator()(DIR* d) const { (void)::closedir(d); }  // nothing to do about a close error
};
using DirPtr = std::unique_ptr<DIR, DirClose>;

// Unlinks every non-directory in `dir_fd` (which it takes over) and returns the name of one
// subdirectory, or "" when none is left.
oslayer::Result<std::string> empty_but_subdirs(oslayer::Fd dir_fd) {
  DirPtr dir(::fdopendir(dir_fd.get()));
  if (!dir) return Error::sys(errno, "listing directory");
  (void)dir_fd.release();  // now owned by `dir`
  for (;;) {
    errno = 0;
    struct dirent* de = ::readdir(dir.get());
    if (de == nullptr) {
      if (errno != 0) return Error::sys(errno, "listing directory");
      return std::string();
    }
    std::string name = de->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(::dirfd(dir.get()), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) continue;
      return Error::sys(errno, "inspecting " + name);
    }
    if (S_ISDIR(st.st_mode)) return name;
    if (::unlinkat(::dirfd(dir.get()), name.c_str(), 0) < 0 && errno != ENOENT) {
      return Error::sys(errno, "removing " + name);
    }
  }
}

oslayer::Status unlink_at(int root, const std::string& path, int flags) {
  auto [parent, leaf] = oslayer::split_parent(path);
  auto pfd = oslayer::open_beneath(root, parent, O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
  if (!pfd) return std::move(pfd).error();
  if (::unlinkat(pfd->get(), leaf.c_str(), flags) < 0) return Error::sys(errno, "removing " + path);
  return oslayer::ok();
}

}  // namespace

oslayer::Status remove_tree(int root, const std::string& path) {
  assert(!path.empty());
  // Depth-first with only a path in hand: descend into one subdirectory at a time, re-resolving
  // it from `root`; a directory found empty is removed and the walk climbs back to its parent.
  std::string cur = path;
  int busy = 0;
  for (;;) {
    auto dir =
        oslayer::open_beneath(root, cur, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, Symlinks::kRefuse);
    if (!dir) {
      int err = dir.error().code();
      if (cur == path && err == ENOENT) return oslayer::ok();
      // Not a directory (ENOTDIR) or a symlink (ELOOP): the top itself is a plain entry.
      if (cur == path && (err == ENOTDIR || err == ELOOP)) {
        auto st = unlink_at(root, path, 0);
        if (!st && st.error().code() == ENOENT) return oslayer::ok();
        return st;
      }
      return std::move(dir).error().context("removing " + path);
    }
    auto sub = empty_but_subdirs(std::move(*dir));
    if (!sub) return std::move(sub).error().context("removing " + cur);
    if (!sub->empty()) {
      cur += "/" + *sub;
      continue;
    }
    if (auto st = unlink_at(root, cur, AT_REMOVEDIR); !st) {
      // Entries that readdir skipped while the directory changed under it: scan again, a few
      // times, before giving up.
      if (st.error().code() == ENOTEMPTY && ++busy < 8) continue;
      return std::move(st).context("removing " + path);
    }
    busy = 0;
    if (cur == path) return oslayer::ok();
    cur = oslayer::split_parent(cur).first;
  }
}

}  // namespace stage0::aci
