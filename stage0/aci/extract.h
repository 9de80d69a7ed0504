// Extracting an uncompressed ACI into a directory: the rendering step of the store. The archive
// is hostile, so every write is made relative to a directory fd that was reached without
// following a symlink, and no path ever leaves the destination. libarchive only reads; its
// archive_write_disk is not used, so the safety rules are ours and visible here.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage0/aci/growing_file.h"

namespace stage0::aci {

inline constexpr uint64_t kDefaultMaxExpandedBytes = uint64_t{32} << 30;  // 32 GiB

struct ExtractOptions {
  // true: "rootfs/x" goes to dest/x, and "manifest" is skipped (rendering a rootfs);
  // false: both are extracted as they are named (dest/manifest, dest/rootfs/x).
  bool rootfs_only = true;
  // Each non-empty list filters the rootfs entries by absolute path ("/usr/bin/x"): a
  // non-directory is kept only if every list names it; a directory if every list names it or
  // one of its descendants. Dependencies are filtered by their own whitelist and those of the
  // images above them, hence a list of lists.
  const std::vector<std::vector<std::string>>* whitelists = nullptr;
  // lchown to the uid/gid of the tar; needs root, hence the default.
  bool preserve_owner = ::geteuid() == 0;
  // Cap on the sum of the regular files' sizes (as declared, so sparse files count in full).
  uint64_t max_expanded_bytes = kDefaultMaxExpandedBytes;
  // The tar is still being written by another thread (GrowingFile): read it as it grows, up to
  // where the writer finishes. Abandoned, it ends the extraction with an error.
  const GrowingFile* growing = nullptr;
};

// Extracts the tar in `tar_fd` (read from offset 0 with pread; the fd must be seekable) into
// the directory `dest_dir` (any fd of it, O_PATH is fine).
//
// Refused, with an error naming the entry: absolute names and ".." components; an entry whose
// parent is a symlink or not a directory; hard links whose target is not a regular file already
// inside dest reached without symlinks; unsupported entry types; entries outside the layout;
// going over max_expanded_bytes or kMaxEntries. Device nodes are skipped (logged at debug).
//
// Layering: extracting several images into one dest (dependencies first) lets later entries
// win. An existing non-directory, symlinks included, is replaced; a directory over a directory
// only updates its mode, owner and times; a non-directory over a directory removes that tree.
//
// Kept: mode bits (setuid, setgid and sticky included), mtimes (directories' set after their
// contents), owners with preserve_owner, and the "user.*" and "security.capability" xattrs
// from PAX SCHILY.xattr records (best effort: a filesystem without xattrs is not an error).
// On failure dest holds a partial tree, which the caller removes.
oslayer::Status extract(int tar_fd, int dest_dir, const ExtractOptions& options);

}  // namespace stage0::aci
