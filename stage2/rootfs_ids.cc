#include "stage2/rootfs_ids.h"

#include <sys/stat.h>

#include <cerrno>

#include "oslayer/beneath.h"
#include "oslayer/fd.h"

namespace stage2 {

using oslayer::Error;
using oslayer::Result;
using oslayer::Symlinks;

namespace {

// Far above any real /etc/passwd; the file is untrusted.
constexpr size_t kMaxEtcFile = 16 << 20;

}  // namespace

IdSources ids_beneath(int root) {
  IdSources s;
  s.read_etc = [root](const std::string& name) -> Result<std::optional<std::string>> {
    const std::string rel = "etc/" + name;
    auto fd = oslayer::open_beneath(root, rel, O_RDONLY, 0, Symlinks::kFollowInside);
    if (!fd) {
      if (fd.error().code() == ENOENT) return std::optional<std::string>();
      return std::move(fd).error().context("reading /" + rel);
    }
    auto text = oslayer::read_all(fd->get(), kMaxEtcFile);
    if (!text) return std::move(text).error().context("reading /" + rel);
    return std::optional<std::string>(std::move(*text));
  };
  s.owner_of = [root](const std::string& path) -> Result<FileOwner> {
    auto fd = oslayer::open_beneath(root, path.substr(1), O_PATH, 0, Symlinks::kFollowInside);
    if (!fd) return std::move(fd).error();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return Error::sys(errno, "stat " + path);
    return FileOwner{st.st_uid, st.st_gid};
  };
  return s;
}

}  // namespace stage2
