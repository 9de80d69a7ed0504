// The two processes that start one app (stage1-interface.md, "Starting an app"): the app's
// process, which joins the mount namespace the launcher made for the app and executes stage2 at
// once; and the launcher, which mounts the app's filesystems, passes stage2 the app's v1 cgroups
// once /init made them, pivots both into the app's root, runs the pre-start handler and tells
// stage2 to go on. Everything here runs in the forked children; they talk to the supervisor
// only through the `report` socket.
#pragma once

#include <sys/types.h>

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
  int cgroups_ready_fd = -1;  // pod_cgroups.h: waited for before the v1 cgroups are passed
  int stage2_fd = -1;         // opened before the pivot: stage2 is not in the app
  std::vector<std::string> stage2_args;  // --app=NAME and the pass-through flags
  bool has_pre_start = false;
  bool interactive = false;
  // os/linux/oom-score-adj, set in the child before anything of the app runs (pre-start
  // included): stage2 and the app inherit it.
  std::optional<int> oom_score_adj;
};

// The supervisor forks two processes per app, both created in the app's cgroup2 cgroup and
// joined by a SOCK_SEQPACKET socket pair: first the app's process, then its launcher. Forked
// by the launcher, the app's process often had to wait for the launcher's CPU until the
// launcher blocked, 0.5 to 2 ms into its mounts; the supervisor blocks at once.
//
// The app's process: joins the mount namespace the launcher sends over `launcher` and executes
// stage2, which waits on the same socket for the app's v1 cgroups (it joins them itself) and
// until the launcher has pivoted it into the app's root. Returns an exit code only
// when it fails before stage2 (or is told to stop by the launcher), having said why on `report`.
int run_app_process(const AppLaunch& launch, int launcher, int report);
// The launcher: makes the app's mount namespace (its fd goes to the app's process over `app`
// and to the supervisor over `report`), mounts the app's filesystems, pivots both into the
// app's root, runs the pre-start handler and tells stage2 to go on. On failure it sends one
// message with the error's text over `report` and tells the app's process to exit with its
// code (the pre-start handler's, or 254), which it returns too; 0 on success.
int launch_app(const AppLaunch& launch, int app, int report);

// Runs stage2 with --event=<event> (and fd 3 = the App JSON) in a child, waits for it, and
// returns its exit code. The caller is already in the app's mount namespace.
oslayer::Result<int> run_event_handler(const AppLaunch& launch, const std::string& event);

// What the supervisor reads from a report socket: the namespace fd, and an error, if any.
struct LaunchReport {
  oslayer::Fd mount_ns;
  std::string error;  // empty: stage2 was executed and told to go on
};
// Reads until the launcher and the app's process are done with it (end of file) or one reports
// an error.
LaunchReport read_launch_report(int report);

// A memfd holding `text`, positioned at its start.
oslayer::Result<oslayer::Fd> make_memfd(const std::string& name, const std::string& text);

}  // namespace stage1
