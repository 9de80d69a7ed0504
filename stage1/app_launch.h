// The child process that becomes one app (stage1-interface.md, "Starting an app"): it gets its
// own mount namespace, mounts the app's filesystems, joins the app's cgroups once /init made
// them, pivots into the app's root, runs the pre-start handler and executes stage2. Everything here
// runs in the forked child; it talks to the supervisor only through the `report` socket.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oslayer/cgroup.h"
#include "oslayer/fd.h"
#include "oslayer/result.h"
#include "stage1/app_mounts.h"

namespace stage1 {

struct AppLaunch {
  std::string name;
  std::string app_json;  // the App object, for stage2's fd 3
  std::string rootfs;    // pod-dir-relative: stage1/rootfs/opt/stage2/<name>/rootfs
  AppFilesystems filesystems;
  oslayer::CgroupSet cgroup;
  int cgroups_ready_fd = -1;  // pod_cgroups.h: waited for before the v1 cgroups are joined
  int stage2_fd = -1;         // opened before the pivot: stage2 is not in the app
  std::vector<std::string> stage2_args;  // --app=NAME and the pass-through flags
  bool has_pre_start = false;
  bool interactive = false;
  // os/linux/oom-score-adj, set in the child before anything of the app runs (pre-start
  // included): stage2 and the app inherit it.
  std::optional<int> oom_score_adj;
};

// The child's body. Before exec it sends, over the SOCK_SEQPACKET socket `report`, its mount
// namespace fd (for post-stop) and, on failure, one message with the error's text. It returns
// (an exit code: the pre-start handler's, or 254) only when the app could not be started.
int launch_app(const AppLaunch& launch, int report);

// Runs stage2 with --event=<event> (and fd 3 = the App JSON) in a child, waits for it, and
// returns its exit code. The caller is already in the app's mount namespace.
oslayer::Result<int> run_event_handler(const AppLaunch& launch, const std::string& event);

// What the supervisor reads from a report socket: the namespace fd, and an error, if any.
struct LaunchReport {
  oslayer::Fd mount_ns;
  std::string error;  // empty: stage2 was executed
};
// Reads until the child executes (end of file) or reports an error.
LaunchReport read_launch_report(int report);

// A memfd holding `text`, positioned at its start.
oslayer::Result<oslayer::Fd> make_memfd(const std::string& name, const std::string& text);

}  // namespace stage1
