// IdSources over the app's rootfs (which is stage2's "/"): /etc/passwd and /etc/group, and path
// owners, all resolved beneath the root fd so that a symlink in the image cannot point elsewhere.
#pragma once

#include "stage2/user_resolution.h"

namespace stage2 {

// `root` must outlive the returned sources.
IdSources ids_beneath(int root);

}  // namespace stage2
