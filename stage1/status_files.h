// What the supervisor leaves in the stage1 rootfs for `rkt status` and `rkt list`
// (stage1-interface.md): rkt/status/<app>, rkt/oom-killed/<app> and the
// rkt/supervisor-status -> ready symlink.
#pragma once

#include <cstdint>
#include <string>

#include "oslayer/result.h"

namespace stage1 {

// The decimal text of an exit code as rkt writes it ("0", "143"), no newline.
std::string encode_status(int exit_code);
// Writes rkt/status/<app> atomically in the directory `status_dir`.
oslayer::Status write_app_status(int status_dir, const std::string& app, int exit_code);
// Writes rkt/oom-killed/<app> (the kernel's count of the app's processes the OOM killer killed,
// decimal) atomically in the directory `oom_dir`. rkt had no such record; status/<app> stays
// rkt's plain exit code so that existing readers keep working.
oslayer::Status write_oom_killed(int oom_dir, const std::string& app, uint64_t kills);
// Creates supervisor-status -> ready in `rkt_dir` atomically (symlink to a temp name, rename).
oslayer::Status mark_supervisor_ready(int rkt_dir);

}  // namespace stage1
