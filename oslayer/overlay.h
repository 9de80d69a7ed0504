// Overlay mounts for pods (Documentation/devel/stage1-interface.md, "Mounts"): stage0 shows each
// read-only tree of the store through an overlay whose writes land in the pod directory, inside
// a mount namespace of its own so that no pod mount ever reaches the host.
#pragma once

#include <string>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

struct OverlayLayers {
  std::vector<std::string> lower;  // absolute paths, the topmost first
  std::string upper;               // absolute paths; upper and work on the same filesystem
  std::string work;
  // "volatile" (Linux 5.10): the overlay never syncs its upper filesystem, not on fsync() and
  // not when it is unmounted, where a normal overlay runs syncfs on the whole upper filesystem
  // (0.45 ms here on an idle disk, far more under writeback). Only for an upper whose contents
  // need no durability: fsync() of a file in it then promises nothing. Ignored by older kernels.
  bool skip_sync = false;
};

// A new overlay filesystem, not attached anywhere yet (fsopen("overlay") + fsconfig + fsmount).
// Each layer is handed to the kernel as its own string ("lowerdir+", Linux 6.8+), so neither the
// length of the list nor a ',' or ':' in a path is a problem; older kernels get one escaped
// "lowerdir" list instead. Errors carry the kernel's own reason when it gives one.
Result<Fd> make_overlay(const OverlayLayers& layers);

// make_overlay, then attached on the directory `target` (an fd, resolved by the caller).
Status mount_overlay(const OverlayLayers& layers, int target);

// unshare(CLONE_NEWNS), then "/" made recursively slave: host mounts still propagate in, and
// nothing mounted from here on propagates back out to the host. Affects the calling thread's
// process only; call it single-threaded, before the first pod mount.
Status enter_private_mount_namespace();

// The value of overlayfs's "lowerdir" list for `lower`: ':' joins the layers, and '\', ':' and
// ',' inside a path are escaped with '\'. Pure, for tests.
std::string overlay_lowerdir_list(const std::vector<std::string>& lower);

}  // namespace oslayer
