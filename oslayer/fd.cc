#include "oslayer/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace oslayer {

void Fd::reset(int fd) {
  if (fd_ >= 0) {
    // close(2) errors cannot be acted on here; Linux releases the fd whatever it returns.
    (void)::close(fd_);
  }
  fd_ = fd;
}

Result<Fd> open_at(int dir, const std::string& path, int flags, mode_t mode) {
  int fd = ::openat(dir, path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return Error::sys(errno, "opening " + path);
  return Fd(fd);
}

Result<Fd> open_dir(int dir, const std::string& path) {
  return open_at(dir, path, O_PATH | O_DIRECTORY);
}

Result<std::string> read_all(int fd, size_t limit) {
  // Straight into the string, in chunks that double: a big buffer on the stack cost every
  // fresh process (rkt, /init, stage2 all read a file early) a page fault per 4 KiB of it, since
  // the compiler touches each page of a large frame (stack clash protection), however small the
  // file.
  std::string out;
  size_t chunk = 4096;
  for (;;) {
    const size_t have = out.size();
    // One byte past the limit is enough to tell that the file is larger.
    const size_t room = std::min(chunk, limit + 1 - have);
    out.resize(have + room);
    ssize_t n = ::read(fd, out.data() + have, room);
    if (n < 0) {
      out.resize(have);
      if (errno == EINTR) continue;
      return Error::sys(errno, "reading");
    }
    out.resize(have + static_cast<size_t>(n));
    if (n == 0) return out;
    if (out.size() > limit) {
      return Error::msg("larger than the limit of " + std::to_string(limit) + " bytes");
    }
    if (static_cast<size_t>(n) == room) chunk = std::min<size_t>(chunk * 2, size_t{1} << 20);
  }
}

Result<std::string> read_file(const std::string& path, size_t limit) {
  auto fd = open_path(path, O_RDONLY);
  if (!fd) return std::move(fd).error();
  return read_all(fd->get(), limit).context("reading " + path);
}

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::sys(errno, "writing");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ok();
}

Status stdin_from_dev_null() {
  int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) return Error::sys(errno, "opening /dev/null");
  int rc = ::dup2(null, STDIN_FILENO);
  int err = errno;
  ::close(null);
  if (rc < 0) return Error::sys(err, "redirecting stdin");
  return ok();
}

Status make_dirs(int dir, const std::string& path, mode_t mode) {
  // Nearly always the whole path is there already (every rkt command makes its data dirs):
  // one mkdir says so, instead of one per component.
  if (!path.empty() && ::mkdirat(dir, path.c_str(), mode) == 0) return ok();
  if (errno == EEXIST) return ok();
  std::string sofar;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) {
      if (!sofar.empty() || path[0] == '/') sofar += '/';
      sofar.append(path, pos, next - pos);
      if (::mkdirat(dir, sofar.c_str(), mode) < 0 && errno != EEXIST) {
        return Error::sys(errno, "creating directory " + sofar);
      }
    }
    pos = next + 1;
  }
  return ok();
}

}  // namespace oslayer
