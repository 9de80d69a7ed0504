#include "stage0/aci/extract.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "oslayer/beneath.h"
#include "oslayer/log.h"
#include "stage0/aci/archive.h"
#include "stage0/aci/entry_name.h"
#include "stage0/aci/libarchive_util.h"
#include "stage0/aci/whitelist.h"
#include "stage0/aci/write_entry.h"

namespace stage0::aci {
namespace {

using oslayer::Error;
using oslayer::Status;
using oslayer::Symlinks;

// Where an entry goes: `path` relative to dest ("" is dest itself) and, for rootfs entries,
// the absolute path inside the rootfs that whitelists speak of.
struct Target {
  std::string path;
  std::optional<std::string> abs;
};

// Directory metadata is applied once the whole archive is written: a read-only directory would
// refuse its own contents, and writing into a directory changes its mtime.
struct DirFixup {
  std::string raw;
  std::string path;
  detail::Meta meta;
  size_t depth;
};

size_t depth_of(const std::string& path) {
  return path.empty() ? 0 : 1 + static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

class Extractor {
 public:
  Extractor(int dest, const ExtractOptions& options)
      : dest_(dest), options_(options), whitelist_(options.whitelists) {}

  Status run(int tar_fd) {
    detail::Source source;
    source.growing = options_.growing;
    auto a = detail::open_tar(tar_fd, source);
    if (!a) return std::move(a).error();
    archive_entry* e = nullptr;
    for (;;) {
      int r = archive_read_next_header(a->get(), &e);
      if (r == ARCHIVE_EOF) break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        return detail::archive_error(a->get(), "reading the archive");
      }
      std::string raw = detail::entry_pathname(e);
      if (++entries_ > kMaxEntries) {
        return Error::msg("more than " + std::to_string(kMaxEntries) + " entries");
      }
      if (auto st = extract_entry(a->get(), e, raw); !st) {
        return detail::entry_error(raw, std::move(st).error());
      }
    }
    return fix_directories();
  }

 private:
  oslayer::Result<std::optional<Target>> target_of(const std::string& cleaned, bool is_dir) {
    switch (detail::classify(cleaned)) {
      case detail::Part::kTop:
        return std::optional<Target>();  // dest itself is the caller's, not the image's
      case detail::Part::kManifest:
        if (options_.rootfs_only) return std::optional<Target>();
        return std::optional<Target>(Target{cleaned, std::nullopt});
      case detail::Part::kRootfs:
        if (!is_dir) return Error::msg("not a directory");
        return std::optional<Target>(Target{options_.rootfs_only ? "" : cleaned, "/"});
      case detail::Part::kInRootfs: {
        std::string below = detail::strip_rootfs(cleaned);
        return std::optional<Target>(Target{options_.rootfs_only ? below : cleaned, "/" + below});
      }
      case detail::Part::kOther:
        break;
    }
    return Error::msg("not part of the ACI layout (only manifest and rootfs/)");
  }

  Status extract_entry(archive* a, archive_entry* e, const std::string& raw) {
    auto cleaned = detail::clean_name(raw);
    if (!cleaned) return std::move(cleaned).error();
    std::string hardlink = detail::entry_hardlink(e);
    auto type = archive_entry_filetype(e);
    bool is_dir = hardlink.empty() && type == AE_IFDIR;
    auto target = target_of(*cleaned, is_dir);
    if (!target) return std::move(target).error();
    if (!*target) return oslayer::ok();
    const Target& t = **target;
    if (t.abs && !whitelist_.keeps(*t.abs, is_dir)) return oslayer::ok();
    if (!hardlink.empty()) return write_hardlink(t.path, hardlink);
    if (type == AE_IFDIR) return write_directory(e, raw, t.path);
    if (t.path.empty()) return Error::msg("not a directory");
    switch (type) {
      case AE_IFREG:
        return write_file(a, e, t.path);
      case AE_IFLNK:
        return write_symlink(e, t.path);
      case AE_IFIFO:
        return write_fifo(e, t.path);
      case AE_IFCHR:
      case AE_IFBLK:
        // Devices are the pod's business (a private /dev); one in an image is at best useless
        // and at worst a handle on a host disk, so none is created.
        oslayer::log_debug("skipping device node " + detail::quote(raw));
        return oslayer::ok();
      default:
        return Error::msg("unsupported entry type");
    }
  }

  // The parent directory of an entry, created as needed (mode 0755, as tar does for implied
  // directories) without following symlinks. The last one is kept, since tars list entries
  // directory by directory, and a deeper parent is resolved from it; a removal invalidates it.
  // An existing parent costs one openat2; only missing ones go element by element.
  oslayer::Result<int> parent_fd(const std::string& parent) {
    if (parent_valid_ && parent_path_ == parent) return parent_.get();
    int base = dest_;
    std::string rest = parent;
    if (parent_valid_ && !parent_path_.empty() && parent.size() > parent_path_.size() &&
        parent.compare(0, parent_path_.size(), parent_path_) == 0 &&
        parent[parent_path_.size()] == '/') {
      base = parent_.get();
      rest = parent.substr(parent_path_.size() + 1);
    }
    auto fd = oslayer::open_beneath(base, rest, O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
    if (!fd && fd.error().code() == ENOENT) fd = oslayer::make_dirs_beneath(base, rest, 0755);
    if (!fd) return std::move(fd).error().context("creating the parent directory");
    parent_ = std::move(*fd);
    parent_path_ = parent;
    parent_valid_ = true;
    return parent_.get();
  }

  // Resolves the parent and clears the leaf for a new non-directory.
  oslayer::Result<std::pair<int, std::string>> prepare(const std::string& path) {
    auto [parent, leaf] = oslayer::split_parent(path);
    auto pfd = parent_fd(parent);
    if (!pfd) return std::move(pfd).error();
    bool removed_dir = false;
    auto kept = detail::make_room(*pfd, leaf, false, &removed_dir);
    // The cached fd stays open for this entry, but it may name a directory that was inside the
    // removed tree, so it is not reused.
    if (removed_dir) parent_valid_ = false;
    if (!kept) return std::move(kept).error();
    return std::pair<int, std::string>(*pfd, leaf);
  }

  Status write_directory(archive_entry* e, const std::string& raw, const std::string& path) {
    auto meta = detail::read_meta(e, options_.preserve_owner);
    if (!meta) return std::move(meta).error();
    if (!path.empty()) {
      auto [parent, leaf] = oslayer::split_parent(path);
      auto pfd = parent_fd(parent);
      if (!pfd) return std::move(pfd).error();
      bool removed_dir = false;
      auto exists = detail::make_room(*pfd, leaf, true, &removed_dir);
      if (!exists) return std::move(exists).error();
      // 0700 until the fixup: nobody else can use the directory while it is being filled.
      if (!*exists && ::mkdirat(*pfd, leaf.c_str(), 0700) < 0) {
        return Error::sys(errno, "creating the directory");
      }
    }
    fixups_.push_back(DirFixup{raw, path, std::move(*meta), depth_of(path)});
    return oslayer::ok();
  }

  Status write_file(archive* a, archive_entry* e, const std::string& path) {
    if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0) {
      return Error::msg("no valid size");
    }
    auto size = static_cast<uint64_t>(archive_entry_size(e));
    if (size > options_.max_expanded_bytes - expanded_) {
      return Error::msg("image expands beyond " + std::to_string(options_.max_expanded_bytes) +
                        " bytes");
    }
    expanded_ += size;
    auto meta = detail::read_meta(e, options_.preserve_owner);
    if (!meta) return std::move(meta).error();
    auto where = prepare(path);
    if (!where) return std::move(where).error();
    return detail::write_regular(a, where->first, where->second, size, *meta,
                                 options_.preserve_owner);
  }

  Status write_symlink(archive_entry* e, const std::string& path) {
    const char* target = archive_entry_symlink(e);
    if (target == nullptr) target = archive_entry_symlink_utf8(e);
    if (target == nullptr || *target == '\0') return Error::msg("empty symlink target");
    auto meta = detail::read_meta(e, options_.preserve_owner);
    if (!meta) return std::move(meta).error();
    auto where = prepare(path);
    if (!where) return std::move(where).error();
    return detail::write_symlink(where->first, where->second, target, *meta,
                                 options_.preserve_owner);
  }

  Status write_fifo(archive_entry* e, const std::string& path) {
    auto meta = detail::read_meta(e, options_.preserve_owner);
    if (!meta) return std::move(meta).error();
    auto where = prepare(path);
    if (!where) return std::move(where).error();
    return detail::write_fifo(where->first, where->second, *meta, options_.preserve_owner);
  }

  // A hard link may only point at a regular file that is already in dest, reached without
  // symlinks: never at a symlink (libarchive#746), a directory, or a path out of the tree.
  Status write_hardlink(const std::string& path, const std::string& raw_target) {
    std::string what = "hard link target " + detail::quote(raw_target);
    auto cleaned = detail::clean_name(raw_target);
    if (!cleaned) return std::move(cleaned).error().context(what);
    if (detail::classify(*cleaned) != detail::Part::kInRootfs) {
      return Error::msg(what + " is not inside rootfs");
    }
    std::string below = detail::strip_rootfs(*cleaned);
    std::string target = options_.rootfs_only ? below : *cleaned;
    if (target == path) return Error::msg("hard link to itself");
    if (!whitelist_.keeps("/" + below, false)) {
      // The target was filtered out, so there is nothing to link to.
      oslayer::log_debug("skipping hard link to " + what + ", not in the whitelist");
      return oslayer::ok();
    }
    auto [tparent, tleaf] = oslayer::split_parent(target);
    auto tfd = oslayer::open_beneath(dest_, tparent, O_PATH | O_DIRECTORY, 0, Symlinks::kRefuse);
    if (!tfd) return std::move(tfd).error().context(what);
    struct stat st {};
    if (::fstatat(tfd->get(), tleaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      return Error::sys(errno, what);
    }
    if (!S_ISREG(st.st_mode)) return Error::msg(what + " is not a regular file");
    auto where = prepare(path);
    if (!where) return std::move(where).error();
    // No AT_SYMLINK_FOLLOW: even if the target were swapped for a symlink meanwhile, the link
    // would be to the symlink itself.
    if (::linkat(tfd->get(), tleaf.c_str(), where->first, where->second.c_str(), 0) < 0) {
      return Error::sys(errno, "linking to " + what);
    }
    return oslayer::ok();
  }

  Status fix_directories() {
    // Deepest first, so a parent's mode cannot lock us out of its children; for one path only
    // its last entry in the archive counts (stable sort keeps archive order among equals).
    std::stable_sort(fixups_.begin(), fixups_.end(), [](const DirFixup& x, const DirFixup& y) {
      if (x.depth != y.depth) return x.depth > y.depth;
      return x.path < y.path;
    });
    for (size_t i = 0; i < fixups_.size(); ++i) {
      const DirFixup& f = fixups_[i];
      if (i + 1 < fixups_.size() && fixups_[i + 1].path == f.path) continue;
      // Re-resolved now, without symlinks: a later entry may have replaced the directory with
      // a symlink, and metadata must not land on its target (CVE-2021-31566).
      auto fd = oslayer::open_beneath(dest_, f.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0,
                                      Symlinks::kRefuse);
      if (!fd) {
        int err = fd.error().code();
        if (err == ENOENT || err == ENOTDIR || err == ELOOP) continue;  // replaced later on
        return detail::entry_error(f.raw, std::move(fd).error());
      }
      if (auto st = detail::apply_meta(fd->get(), f.meta, options_.preserve_owner); !st) {
        return detail::entry_error(f.raw, std::move(st).error());
      }
    }
    return oslayer::ok();
  }

  int dest_;
  const ExtractOptions& options_;
  detail::Whitelist whitelist_;
  uint64_t expanded_ = 0;
  uint64_t entries_ = 0;
  oslayer::Fd parent_;
  std::string parent_path_;
  bool parent_valid_ = false;
  std::vector<DirFixup> fixups_;
};

}  // namespace

oslayer::Status extract(int tar_fd, int dest_dir, const ExtractOptions& options) {
  return Extractor(dest_dir, options).run(tar_fd);
}

}  // namespace stage0::aci
