// The kernel interfaces an app must not reach (Documentation/devel/stage1.md): files in /proc
// hidden under /dev/null, directories hidden under an empty read-only tmpfs, and paths made
// read-only. The union of rkt's list (reference rkt.md 3.6) and Docker's
// (daemon/pkg/oci/defaults.go), so a path either of them protects is protected here. Pure.
#pragma once

#include <string>
#include <vector>

namespace stage1 {

enum class PathProtection {
  kMaskFile,  // bind /dev/null over it
  kMaskDir,   // an empty read-only tmpfs over it
  kReadOnly,  // bind it onto itself read-only
};

struct ProtectedPath {
  std::string path;  // relative to the mount of /proc or /sys
  PathProtection how;
};

// Paths below /proc and below /sys. `disable_paths` (--insecure-options=paths) empties both.
std::vector<ProtectedPath> protected_proc_paths(bool disable_paths);
std::vector<ProtectedPath> protected_sys_paths(bool disable_paths);

}  // namespace stage1
