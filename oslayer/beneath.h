// Path resolution that cannot leave a directory. Images are hostile: an entry may name a path
// through a symlink planted by an earlier entry, so every lookup inside an image tree or a pod
// root goes through openat2(2) with RESOLVE_BENEATH and, when writing, RESOLVE_NO_SYMLINKS.
#pragma once

#include <sys/stat.h>

#include <string>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

enum class Symlinks {
  kRefuse,       // no symlink anywhere on the path (for writing into a tree)
  kFollowInside  // symlinks are followed but may not leave `root` (for reading a tree)
};

// openat2(root, path, flags | O_CLOEXEC) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (and
// RESOLVE_NO_SYMLINKS for kRefuse). `path` is relative to `root`; ".." that would climb out and
// absolute paths fail with EXDEV, a symlink on the path with ELOOP under kRefuse.
Result<Fd> open_beneath(int root, const std::string& path, int flags, mode_t mode, Symlinks links);

// Creates every missing directory of `path` (relative to `root`) with `mode`, never following a
// symlink, and returns an O_PATH fd of the last one.
Result<Fd> make_dirs_beneath(int root, const std::string& path, mode_t mode);

// Splits "a/b/c" into the parent "a/b" (or "" for a top-level name) and the last element "c".
std::pair<std::string, std::string> split_parent(const std::string& path);

}  // namespace oslayer
