// What the supervisor leaves in the stage1 rootfs for `rkt status` and `rkt list`
// (stage1-interface.md): rkt/status/<app> and the rkt/supervisor-status -> ready symlink.
#pragma once

#include <string>

#include "oslayer/result.h"

namespace stage1 {

// The decimal text of an exit code as rkt writes it ("0", "143"), no newline.
std::string encode_status(int exit_code);
// Writes rkt/status/<app> atomically in the directory `status_dir`.
oslayer::Status write_app_status(int status_dir, const std::string& app, int exit_code);
// Creates supervisor-status -> ready in `rkt_dir` atomically (symlink to a temp name, rename).
oslayer::Status mark_supervisor_ready(int rkt_dir);

}  // namespace stage1
