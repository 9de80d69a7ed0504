#include "oslayer/beneath.h"

#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {

Result<Fd> open_beneath(int root, const std::string& path, int flags, mode_t mode, Symlinks links) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  if (links == Symlinks::kRefuse) how.resolve |= RESOLVE_NO_SYMLINKS;
  const char* p = path.empty() ? "." : path.c_str();
  for (;;) {
    long fd = ::syscall(SYS_openat2, root, p, &how, sizeof how);
    if (fd >= 0) return Fd(static_cast<int>(fd));
    // EAGAIN: a concurrent rename raced the lookup; the kernel asks for a retry.
    if (errno == EINTR || errno == EAGAIN) continue;
    return Error::sys(errno, "opening " + path);
  }
}

Result<Fd> make_dirs_beneath(int root, const std::string& path, mode_t mode) {
  auto dir = open_beneath(root, ".", O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
  if (!dir) return dir;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    std::string element = path.substr(pos, next - pos);
    pos = next + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") return Error::sys(EXDEV, "creating " + path + ": \"..\" is not allowed");
    if (::mkdirat(dir->get(), element.c_str(), mode) < 0 && errno != EEXIST) {
      return Error::sys(errno, "creating directory " + element + " of " + path);
    }
    // Opening with RESOLVE_NO_SYMLINKS from the parent fd: if `element` is a symlink (planted
    // by an earlier archive entry) this fails instead of following it.
    auto child = open_beneath(dir->get(), element, O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
    if (!child) return std::move(child).error().context("creating " + path);
    dir = std::move(child);
  }
  return dir;
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace oslayer
