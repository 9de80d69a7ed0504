#include "stage0/aci/write_entry.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/aci/libarchive_util.h"
#include "stage0/aci/remove_tree.h"

namespace stage0::aci::detail {
namespace {

using oslayer::Error;

// user.* is the image's own data; security.capability is how file capabilities ship (ping,
// arping), which the spec says an image keeps. Everything else (trusted.*, security.selinux,
// system.posix_acl_*, trusted.overlay.*) would let an image steer the host or its LSM.
bool allowed_xattr(std::string_view name) {
  return name.substr(0, 5) == "user." || name == "security.capability";
}

struct timespec to_timespec(time_t sec, long nsec) {
  // A nanosecond field out of range would make utimensat fail with EINVAL.
  if (nsec < 0 || nsec > 999'999'999) nsec = 0;
  return {sec, nsec};
}

bool valid_id(la_int64_t id) { return id >= 0 && id < static_cast<la_int64_t>(UINT32_MAX); }

oslayer::Status pwrite_all(int fd, const char* data, size_t len, off_t offset) {
  while (len > 0) {
    ssize_t n = ::pwrite(fd, data, len, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::sys(errno, "writing file data");
    }
    data += n;
    len -= static_cast<size_t>(n);
    offset += n;
  }
  return oslayer::ok();
}

}  // namespace

oslayer::Result<Meta> read_meta(archive_entry* e, bool check_owner) {
  Meta m;
  m.mode = archive_entry_perm(e) & 07777;
  if (check_owner && (!valid_id(archive_entry_uid(e)) || !valid_id(archive_entry_gid(e)))) {
    return Error::msg("owner " + std::to_string(archive_entry_uid(e)) + ":" +
                      std::to_string(archive_entry_gid(e)) + " is out of range");
  }
  m.uid = static_cast<uid_t>(archive_entry_uid(e));
  m.gid = static_cast<gid_t>(archive_entry_gid(e));
  if (archive_entry_mtime_is_set(e)) {
    m.times[1] = to_timespec(archive_entry_mtime(e), archive_entry_mtime_nsec(e));
    m.times[0] = m.times[1];
  }
  if (archive_entry_atime_is_set(e)) {
    m.times[0] = to_timespec(archive_entry_atime(e), archive_entry_atime_nsec(e));
  }
  archive_entry_xattr_reset(e);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    if (name == nullptr || !allowed_xattr(name)) continue;
    m.xattrs.emplace_back(name, value != nullptr
                                    ? std::string(static_cast<const char*>(value), size)
                                    : std::string());
  }
  return m;
}

oslayer::Result<bool> make_room(int parent, const std::string& leaf, bool want_dir,
                                bool* removed_dir) {
  struct stat st {};
  if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return false;
    return Error::sys(errno, "inspecting the existing " + leaf);
  }
  if (S_ISDIR(st.st_mode)) {
    if (want_dir) return true;
    *removed_dir = true;
    if (auto r = remove_tree(parent, leaf); !r) return std::move(r).error();
    return false;
  }
  // A symlink is a non-directory too, even when it points at one: it is replaced, not entered.
  if (::unlinkat(parent, leaf.c_str(), 0) < 0 && errno != ENOENT) {
    return Error::sys(errno, "replacing the existing " + leaf);
  }
  return false;
}

oslayer::Status apply_meta(int fd, const Meta& meta, bool preserve_owner) {
  if (preserve_owner && ::fchown(fd, meta.uid, meta.gid) < 0) {
    return Error::sys(errno, "setting the owner");
  }
  for (const auto& [name, value] : meta.xattrs) {
    if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) < 0) {
      // Best effort: a filesystem without xattrs (ENOTSUP), or one the kernel does not allow
      // on this file type or without privilege (EPERM), loses them, as tar does.
      if (errno != ENOTSUP && errno != EPERM) return Error::sys(errno, "setting xattr " + name);
      oslayer::log_debug("not setting xattr " + name + ": " +
                         (errno == ENOTSUP ? "unsupported" : "not permitted"));
    }
  }
  // Set after chown, which clears setuid and setgid; an explicit fchmod also ignores the umask.
  if (::fchmod(fd, meta.mode) < 0) return Error::sys(errno, "setting the mode");
  if (::futimens(fd, meta.times) < 0) return Error::sys(errno, "setting the times");
  return oslayer::ok();
}

oslayer::Status write_regular(archive* a, int parent, const std::string& leaf, uint64_t size,
                              const Meta& meta, bool preserve_owner) {
  // O_EXCL never follows a symlink, so whatever raced into the leaf makes this fail instead.
  auto fd = oslayer::open_at(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  if (!fd) return std::move(fd).error();
  for (;;) {
    const void* block = nullptr;
    size_t len = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(a, &block, &len, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return archive_error(a, "reading file data");
    // Sparse maps come from the archive too: their blocks must stay within the declared size,
    // which is what the expansion cap counted.
    if (offset < 0 || static_cast<uint64_t>(offset) > size ||
        len > size - static_cast<uint64_t>(offset)) {
      return Error::msg("file data beyond the declared size");
    }
    if (auto st = pwrite_all(fd->get(), static_cast<const char*>(block), len, offset); !st) {
      return st;
    }
  }
  // A trailing hole of a sparse file has no block; the size makes it.
  if (::ftruncate(fd->get(), static_cast<off_t>(size)) < 0) {
    return Error::sys(errno, "setting the file size");
  }
  return apply_meta(fd->get(), meta, preserve_owner);
}

oslayer::Status write_symlink(int parent, const std::string& leaf, const std::string& target,
                              const Meta& meta, bool preserve_owner) {
  // The target is stored as it is, absolute or with "..": it is only data until someone
  // follows it, and every lookup of ours refuses symlinks.
  if (::symlinkat(target.c_str(), parent, leaf.c_str()) < 0) {
    return Error::sys(errno, "creating the symlink");
  }
  if (preserve_owner &&
      ::fchownat(parent, leaf.c_str(), meta.uid, meta.gid, AT_SYMLINK_NOFOLLOW) < 0) {
    return Error::sys(errno, "setting the owner");
  }
  if (::utimensat(parent, leaf.c_str(), meta.times, AT_SYMLINK_NOFOLLOW) < 0) {
    return Error::sys(errno, "setting the times");
  }
  return oslayer::ok();
}

oslayer::Status write_fifo(int parent, const std::string& leaf, const Meta& meta,
                           bool preserve_owner) {
  if (::mknodat(parent, leaf.c_str(), S_IFIFO | 0600, 0) < 0) {
    return Error::sys(errno, "creating the fifo");
  }
  // Opening a fifo for reading with O_NONBLOCK returns at once, and gives an fd for the
  // metadata calls instead of path-based ones.
  auto fd = oslayer::open_at(parent, leaf, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "inspecting the fifo");
  if (!S_ISFIFO(st.st_mode)) return Error::msg("the fifo was replaced while extracting");
  return apply_meta(fd->get(), meta, preserve_owner);
}

}  // namespace stage0::aci::detail
