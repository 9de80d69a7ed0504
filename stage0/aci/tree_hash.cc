#include "stage0/aci/tree_hash.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "oslayer/beneath.h"
#include "oslayer/fd.h"
#include "stage0/aci/digest.h"
#include "stage0/aci/tree_hash_files.h"

namespace stage0::aci {
namespace {

using oslayer::Error;
using oslayer::Symlinks;

struct DirClose {
  void operator()(DIR* d) const { (void)::closedir(d); }  // nothing to do about a close error
};

char type_char(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'f';
    case S_IFDIR:
      return 'd';
    case S_IFLNK:
      return 'l';
    case S_IFIFO:
      return 'p';
    case S_IFCHR:
      return 'c';
    case S_IFBLK:
      return 'b';
    default:
      return 's';
  }
}

}  // namespace

namespace detail {

std::string field(std::string_view s) { return std::to_string(s.size()) + ":" + std::string(s); }

std::string header(const std::string& path, const struct stat& st) {
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return std::string(1, type_char(st.st_mode)) + " " + mode + " " + std::to_string(st.st_uid) +
         " " + std::to_string(st.st_gid) + " " + field(path);
}

oslayer::Result<std::string> xattr_lines(int fd) {
  std::string out;
  ssize_t len = ::flistxattr(fd, nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP) return out;
    return Error::sys(errno, "listing xattrs");
  }
  std::string names(static_cast<size_t>(len), '\0');
  len = ::flistxattr(fd, names.data(), names.size());
  if (len < 0) return Error::sys(errno, "listing xattrs");
  names.resize(static_cast<size_t>(len));
  std::vector<std::string> kept;
  for (size_t pos = 0; pos < names.size();) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    if (name.compare(0, 5, "user.") == 0 || name == "security.capability") kept.push_back(name);
  }
  std::sort(kept.begin(), kept.end());
  for (const auto& name : kept) {
    ssize_t vlen = ::fgetxattr(fd, name.c_str(), nullptr, 0);
    if (vlen < 0) return Error::sys(errno, "reading xattr " + name);
    std::string value(static_cast<size_t>(vlen), '\0');
    vlen = ::fgetxattr(fd, name.c_str(), value.data(), value.size());
    if (vlen < 0) return Error::sys(errno, "reading xattr " + name);
    value.resize(static_cast<size_t>(vlen));
    out += "x " + field(name) + " " + field(value) + "\n";
  }
  return out;
}

oslayer::Status hash_content(int fd, off_t size, const std::string& path, Sha512& sha) {
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return oslayer::Error::sys(errno, "reading " + path);
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (total > static_cast<uint64_t>(size)) break;
    sha.update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  // The size is in the listing before the bytes, so a file that changed size while being read
  // would hash ambiguously: report it instead.
  if (total != static_cast<uint64_t>(size)) {
    return oslayer::Error::msg(path + " changed size while hashing");
  }
  return oslayer::ok();
}

}  // namespace detail

namespace {

using detail::field;
using detail::header;

oslayer::Status hash_xattrs(int fd, Sha512& sha) {
  auto lines = detail::xattr_lines(fd);
  if (!lines) return std::move(lines).error();
  sha.update(*lines);
  return oslayer::ok();
}

oslayer::Status hash_file(int dir, const std::string& name, const std::string& path, Sha512& sha) {
  // O_NOFOLLOW: the entry was a regular file when listed; if it was swapped for a symlink
  // since, this fails instead of hashing whatever it points at. O_NONBLOCK for a swapped fifo.
  auto fd = oslayer::open_at(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "inspecting " + path);
  if (!S_ISREG(st.st_mode)) return Error::msg(path + " changed while hashing");
  sha.update(header(path, st) + " " + std::to_string(st.st_size) + "\n");
  if (auto c = detail::hash_content(fd->get(), st.st_size, path, sha); !c) {
    return std::move(c).error();
  }
  return hash_xattrs(fd->get(), sha);
}

// Where the walk's listing goes. Version 1 hashes each regular file's bytes into the one
// stream, in order; version 2 puts a file's SHA-512 in the stream instead, so that files can be
// hashed on several threads (tree_hash_files.h), a window of them at a time to bound memory.
class Listing {
 public:
  static constexpr size_t kWindow = 256;

  Listing(int root, bool v2) : root_(root), v2_(v2) {
    threads_ = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  }

  void text(const std::string& s) {
    if (!v2_) {
      sha_.update(s);
    } else if (pending_.empty()) {
      sha_.update(s);
    } else {
      after_.back() += s;
    }
  }

  oslayer::Status file(int dir, const std::string& name, const std::string& path) {
    if (!v2_) return hash_file(dir, name, path, sha_);
    pending_.push_back(path);
    after_.emplace_back();
    if (pending_.size() >= kWindow) return flush();
    return oslayer::ok();
  }

  oslayer::Result<std::string> finish(std::string_view prefix) {
    if (auto st = flush(); !st) return std::move(st).error();
    return std::string(prefix) + sha_.hex_final();
  }

 private:
  oslayer::Status flush() {
    auto lines = detail::hash_files(root_, pending_, threads_);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!lines[i]) return std::move(lines[i]).error();
      sha_.update(*lines[i]);
      sha_.update(after_[i]);
    }
    pending_.clear();
    after_.clear();
    return oslayer::ok();
  }

  int root_;
  bool v2_;
  unsigned threads_ = 1;
  Sha512 sha_;
  std::vector<std::string> pending_;  // files not yet hashed, in listing order
  std::vector<std::string> after_;    // the listing text that follows each of them
};

struct Child {
  std::string name;
  struct stat st;
};

// Hashes the directory at `path` (relative to `root`) and everything below. The directory is
// listed and closed before descending, so the number of open fds does not grow with depth.
oslayer::Status hash_dir(int root, const std::string& path, Listing& sha) {
  std::vector<Child> children;
  {
    auto fd = oslayer::open_beneath(root, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0,
                                    Symlinks::kRefuse);
    if (!fd) return std::move(fd).error();
    struct stat st {};
    if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "inspecting " + path);
    sha.text(header(path, st) + "\n");
    auto x = detail::xattr_lines(fd->get());
    if (!x) return std::move(x).error().context(path);
    sha.text(*x);
    std::unique_ptr<DIR, DirClose> dir(::fdopendir(fd->get()));
    if (!dir) return Error::sys(errno, "listing " + path);
    (void)fd->release();  // now owned by `dir`
    for (;;) {
      errno = 0;
      struct dirent* de = ::readdir(dir.get());
      if (de == nullptr) {
        if (errno != 0) return Error::sys(errno, "listing " + path);
        break;
      }
      std::string name = de->d_name;
      if (name == "." || name == "..") continue;
      Child c{name, {}};
      if (::fstatat(::dirfd(dir.get()), name.c_str(), &c.st, AT_SYMLINK_NOFOLLOW) < 0) {
        return Error::sys(errno, "inspecting " + name);
      }
      children.push_back(std::move(c));
    }
  }
  std::sort(children.begin(), children.end(),
            [](const Child& x, const Child& y) { return x.name < y.name; });
  // Reopened lazily for the non-directories that follow each subdirectory.
  oslayer::Fd dir;
  for (const auto& c : children) {
    std::string child_path = path.empty() ? c.name : path + "/" + c.name;
    if (S_ISDIR(c.st.st_mode)) {
      dir.reset();
      if (auto st = hash_dir(root, child_path, sha); !st) return st;
      continue;
    }
    if (!dir.valid()) {
      auto fd = oslayer::open_beneath(root, path, O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
      if (!fd) return std::move(fd).error();
      dir = std::move(*fd);
    }
    if (S_ISREG(c.st.st_mode)) {
      if (auto st = sha.file(dir.get(), c.name, child_path); !st) return st;
    } else if (S_ISLNK(c.st.st_mode)) {
      std::string target(4096, '\0');
      ssize_t n = ::readlinkat(dir.get(), c.name.c_str(), target.data(), target.size());
      if (n < 0) return Error::sys(errno, "reading symlink " + child_path);
      target.resize(static_cast<size_t>(n));
      sha.text(header(child_path, c.st) + " " + field(target) + "\n");
    } else if (S_ISCHR(c.st.st_mode) || S_ISBLK(c.st.st_mode)) {
      sha.text(header(child_path, c.st) + " " + std::to_string(major(c.st.st_rdev)) + "," +
               std::to_string(minor(c.st.st_rdev)) + "\n");
    } else {
      sha.text(header(child_path, c.st) + "\n");
    }
  }
  return oslayer::ok();
}

}  // namespace

oslayer::Result<std::string> hash_tree(int dir_fd, TreeHashVersion version) {
  const bool v2 = version == TreeHashVersion::kV2;
  Listing listing(dir_fd, v2);
  if (auto st = hash_dir(dir_fd, "", listing); !st) {
    return std::move(st).error().context("hashing tree");
  }
  auto hash = listing.finish(v2 ? kTreeHashV2Prefix : kImageIdPrefix);
  if (!hash) return std::move(hash).error().context("hashing tree");
  return hash;
}

TreeHashVersion tree_hash_version(std::string_view recorded) {
  return recorded.starts_with(kTreeHashV2Prefix) ? TreeHashVersion::kV2 : TreeHashVersion::kV1;
}

}  // namespace stage0::aci
