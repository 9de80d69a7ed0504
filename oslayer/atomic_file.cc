#include "oslayer/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/fd.h"
#include "oslayer/random_text.h"

namespace oslayer {
namespace {

Result<std::string> temp_name_for(const std::string& name) {
  auto suffix = random_text(8, "abcdefghijklmnopqrstuvwxyz0123456789");
  if (!suffix) return std::move(suffix).error();
  auto slash = name.rfind('/');
  std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return dir + "." + base + ".tmp-" + *suffix;
}

std::string parent_of(const std::string& name) {
  auto slash = name.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return name.substr(0, slash);
}

}  // namespace

Status write_file_atomic(int dir, const std::string& name, std::string_view data, mode_t mode,
                         Durability durability) {
  const bool durable = durability == Durability::kDurable;
  auto temp = temp_name_for(name);
  if (!temp) return std::move(temp).error().context("writing " + name);
  const std::string& tmp = *temp;
  auto fd = open_at(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  if (!fd) return std::move(fd).error().context("writing " + name);

  auto fail = [&](Error e) -> Status {
    // Best effort: the temp file has a unique name, so a leftover is harmless but untidy.
    (void)::unlinkat(dir, tmp.c_str(), 0);
    return std::move(e).context("writing " + name);
  };
  if (auto w = write_all(fd->get(), data); !w) return fail(std::move(w).error());
  // open(2) applies the umask; the caller asked for exactly `mode`.
  if (::fchmod(fd->get(), mode) < 0) return fail(Error::sys(errno, "setting mode"));
  if (durable && ::fsync(fd->get()) < 0) return fail(Error::sys(errno, "fsync"));
  fd->reset();
  if (::renameat(dir, tmp.c_str(), dir, name.c_str()) < 0) {
    return fail(Error::sys(errno, "renaming " + tmp));
  }
  if (!durable) return ok();
  auto parent = open_at(dir, parent_of(name), O_RDONLY | O_DIRECTORY);
  if (!parent) return std::move(parent).error().context("syncing the directory of " + name);
  if (::fsync(parent->get()) < 0) {
    return Error::sys(errno, "fsync of the directory").context("writing " + name);
  }
  return ok();
}

}  // namespace oslayer
