#include "oslayer/remove_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

// Depth bound: deeper trees than this do not come from real images, and recursion must end.
constexpr int kMaxDepth = 4096;

Status remove_contents(int dirfd, int depth) {
  if (depth > kMaxDepth) return Error::sys(ELOOP, "directory tree too deep");
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return Error::sys(errno, "dup");
  DIR* d = ::fdopendir(dup);
  if (d == nullptr) {
    int err = errno;
    ::close(dup);
    return Error::sys(err, "reading directory");
  }
  std::vector<std::pair<std::string, bool>> entries;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    entries.emplace_back(n, e->d_type == DT_DIR);
  }
  ::closedir(d);
  for (const auto& [n, is_dir_hint] : entries) {
    bool is_dir = is_dir_hint;
    struct stat st {};
    if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) is_dir = S_ISDIR(st.st_mode);
    if (is_dir) {
      auto sub = open_at(dirfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (!sub) return std::move(sub).error();
      // A directory without write or exec permission (an image may ship one) would stop us.
      (void)::fchmod(sub->get(), 0700);
      if (auto s = remove_contents(sub->get(), depth + 1); !s) return s;
      if (::unlinkat(dirfd, n.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) {
        return Error::sys(errno, "removing directory " + n);
      }
    } else if (::unlinkat(dirfd, n.c_str(), 0) < 0 && errno != ENOENT) {
      return Error::sys(errno, "removing " + n);
    }
  }
  return ok();
}

}  // namespace

Status remove_tree(int dir, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return ok();
    return Error::sys(errno, "removing " + name);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT) {
      return Error::sys(errno, "removing " + name);
    }
    return ok();
  }
  auto sub = open_at(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!sub) return std::move(sub).error().context("removing " + name);
  (void)::fchmod(sub->get(), 0700);
  if (auto s = remove_contents(sub->get(), 0); !s) return std::move(s).context("removing " + name);
  if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) {
    return Error::sys(errno, "removing " + name);
  }
  return ok();
}

}  // namespace oslayer
