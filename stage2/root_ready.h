// stage2 started before the app's root is in place (Documentation/devel/stage1-interface.md,
// "stage2"): stage1 executes it while the app's filesystems are still being mounted, so that
// loading stage2 and reading the app overlap with that work, and tells it over a socket when
// the root is ready, or that the app must not start after all.
#pragma once

#include <optional>
#include <string_view>

namespace stage2 {

struct RootSignal {
  bool stdin_null = false;        // fd 0 becomes the app's /dev/null first
  std::optional<int> abort_code;  // set: stage1 failed and told why; exit with this code
};

// The bytes stage1 sent: "g" (go), "n" (go, with stdin on /dev/null), "x" and one byte (stop,
// with that exit code). Anything else, including nothing at all (stage1 died), stops with 254.
RootSignal decode_root_signal(std::string_view bytes);

// Blocks on `fd` until stage1's message, then closes `fd`.
RootSignal wait_for_root(int fd);

}  // namespace stage2
