// Removing a directory tree inside an untrusted tree (an image's rootfs being rendered) without
// ever following a symlink, and without an fd per level: a hostile image may nest directories
// thousands deep.
#pragma once

#include <string>

#include "oslayer/result.h"

namespace stage0::aci {

// Removes `path` (relative to `root`, not empty) and, if it is a directory, everything below.
// Every directory is reached from `root` with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS and emptied
// with unlinkat, so a symlink anywhere is removed, never followed. A missing `path` is fine.
oslayer::Status remove_tree(int root, const std::string& path);

}  // namespace stage0::aci
