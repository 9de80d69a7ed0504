// A content hash of a rendered tree. The store records it when it renders an image and
// `rkt image verify` recomputes it: a tree changed on disk since (a file edited, a mode or
// owner changed, a symlink retargeted) no longer matches.
#pragma once

#include <string>

#include "oslayer/result.h"

namespace stage0::aci {

// "sha512-" + the SHA-512 of a canonical listing of the tree at `dir_fd` (any fd of the
// directory, O_PATH is fine): for the directory itself and every entry below, in byte order of
// names, depth first, its relative path, type, mode bits, uid and gid, and then the contents of
// regular files, the targets of symlinks, the numbers of devices, and the "user.*" and
// "security.capability" xattrs of files and directories. Times are not covered: they change
// with layering and with copying, and say nothing about what the app will see. Symlinks are
// never followed; every directory is reached with RESOLVE_NO_SYMLINKS.
oslayer::Result<std::string> hash_tree(int dir_fd);

}  // namespace stage0::aci
