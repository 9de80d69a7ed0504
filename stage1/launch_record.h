// How the supervisor started an app, kept for `rkt enter` (stage1-interface.md, "The enter
// entrypoint"): appsinfo/<app>/launch.json in the pod dir, written once the app's stage2 runs and
// removed when the app ends. /enter runs stage2 again from it, with the very arguments and App
// JSON the app got, so that an entered command can never be set up differently from the app.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace stage1 {

struct LaunchRecord {
  pid_t pid = 0;                         // the app's first process, in the pod's PID namespace
  std::vector<std::string> stage2_args;  // argv[1..] stage2 got: --app=NAME and the flags
  std::string app_json;                  // what stage2 read from fd 3
  bool operator==(const LaunchRecord&) const = default;
};

// {"pid": 7, "stage2Args": ["--app=web"], "app": {...the App object...}}
std::string encode_launch_record(const LaunchRecord& r);
oslayer::Result<LaunchRecord> decode_launch_record(std::string_view json);

// "appsinfo/<app>/launch.json", relative to the pod dir. `app` must be an AC Name.
std::string launch_record_path(const std::string& app);

// Relative to the current directory (the pod dir); written atomically, without fsync (it dies
// with the pod).
oslayer::Status write_launch_record(const std::string& app, const LaunchRecord& r);
// ENOENT when the app is not running (never started, or ended).
oslayer::Result<LaunchRecord> read_launch_record(const std::string& app);
// Idempotent.
void remove_launch_record(const std::string& app);

}  // namespace stage1
