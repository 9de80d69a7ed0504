// stage2 started before the app's root is in place (Documentation/devel/stage1-interface.md,
// "stage2"): stage1 executes it while the app's filesystems are still being mounted and before
// the pod's v1 cgroups exist, so that loading stage2 and reading the app overlap with that work,
// and tells it over a socket when the root is ready, or that the app must not start after all.
#pragma once

#include <optional>
#include <string_view>

#include "oslayer/result.h"

namespace stage2 {

struct RootSignal {
  bool stdin_null = false;        // fd 0 becomes the app's /dev/null first
  std::optional<int> abort_code;  // set: stage1 failed and told why; exit with this code
};

// The last message stage1 sends: "g" (go), "n" (go, with stdin on /dev/null), "x" and one byte
// (stop, with that exit code). Anything else, including nothing at all (stage1 died), stops with
// 254.
RootSignal decode_root_signal(std::string_view bytes);

// Blocks on `fd` until stage1's last message, then closes `fd`. Before it, stage1 may send "c"
// with the app's v1 cgroup `tasks` files (SCM_RIGHTS): they are joined at once
// (oslayer::join_through_tasks), while stage1 pivots, so that the app starts in its cgroups. An
// error is a failed join; the caller exits.
oslayer::Result<RootSignal> wait_for_root(int fd);

}  // namespace stage2
