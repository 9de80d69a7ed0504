// A content hash of a rendered tree. The store records it when it renders an image and
// `rkt image verify` recomputes it: a tree changed on disk since (a file edited, a mode or
// owner changed, a symlink retargeted) no longer matches.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0::aci {

// Version 1 puts the bytes of every regular file into the one SHA-512 stream, so hashing is
// serial; version 2 puts each file's own SHA-512 there instead, and hashes files on several
// threads. New trees record version 2; trees recorded with version 1 are checked with it.
enum class TreeHashVersion { kV1, kV2 };
inline constexpr std::string_view kTreeHashV2Prefix = "sha512v2-";

// The version of a recorded hash, from its prefix.
TreeHashVersion tree_hash_version(std::string_view recorded);

// "sha512-" (version 1) or "sha512v2-" (version 2) + the SHA-512 of a canonical listing of the tree
// at `dir_fd` (any fd of the directory, O_PATH is fine): for the directory itself and every entry
// below, in byte order of names, depth first, its relative path, type, mode bits, uid and gid, and
// then the contents of regular files (version 2: their size and SHA-512), the targets of symlinks,
// the numbers of devices, and the "user.*" and "security.capability" xattrs of files and
// directories. Times are not covered: they change with layering and with copying, and say nothing
// about what the app will see. Symlinks are never followed; every directory is reached with
// RESOLVE_NO_SYMLINKS.
oslayer::Result<std::string> hash_tree(int dir_fd, TreeHashVersion version = TreeHashVersion::kV2);

}  // namespace stage0::aci
