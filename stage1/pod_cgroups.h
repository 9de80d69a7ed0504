// The pod's cgroups (stage1-interface.md, "Cgroups"): which directories, with which limits, and
// the order they are made in. /init makes them in two steps so that the slow part (the v1
// hierarchies, the device list, the limits: 1 to 2 ms of mkdir and writes) runs on one CPU
// while PID 1 and the apps' launchers set up their mounts on the other:
//   1. before PID 1: the unified (cgroup2) directories, which clone3 needs to create PID 1 and
//      each app's launcher inside them (CLONE_INTO_CGROUP);
//   2. after PID 1 started: everything else; then a byte on the `ready` socket tells every app's
//      launcher that it may pass stage2 the app's v1 cgroups and let it go on (and PID 1 that
//      the pod may be marked ready). stage2 joins by writing 0 to `tasks`, the one move that does
//      not take the kernel's global cgroup rwsem (CgroupSet::add_process). PID 1 joins no v1
//      cgroup of the pod.
// On the way out the same socket carries the other way: PID 1 tells /init each app whose cgroups
// it is done with, and /init removes them (after the last app, the pod's v1 ones too) while
// PID 1 finishes, off the pod's exit path.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "oslayer/cgroup.h"
#include "oslayer/result.h"
#include "stage1/pod_config.h"
#include "stage1/resource_plan.h"

namespace stage1 {

struct PodCgroups {
  oslayer::CgroupSet pod;         // rkt-<uuid> in each hierarchy the pod uses
  oslayer::CgroupSet supervisor;  // PID 1's: supervisor.scope in the unified tree, else the pod's
  std::vector<std::string> app_names;    // manifest order
  std::vector<oslayer::CgroupSet> apps;  // manifest order
  ResourcePlan pod_resources;
  std::vector<ResourcePlan> app_resources;  // manifest order
};

// Names every directory and plans every limit; makes nothing.
oslayer::Result<PodCgroups> plan_pod_cgroups(const oslayer::CgroupLayout& layout,
                                             const PodConfig& config);
// Step 1: the unified directories.
oslayer::Status make_unified_cgroups(const PodCgroups& cgroups);
// Step 2: the v1 directories, the device list, the limits.
oslayer::Status finish_pod_cgroups(const PodCgroups& cgroups);

// In an app's launcher before it passes stage2 the v1 cgroups (or joins them itself for the
// pre-start handler), and in PID 1 before it marks the pod ready: blocks until /init wrote the byte
// of step 2 to `ready_fd` (never consumed, so every waiter sees it). End of file without it: /init
// could not make the cgroups, or died.
oslayer::Status wait_for_pod_cgroups(int ready_fd);
// The same test without blocking: true once that byte is there (false also when /init failed,
// which wait_for_pod_cgroups then reports).
bool pod_cgroups_made(int ready_fd);

// PID 1, on its end of that socket: app `index` has ended, its OOM kills are read and its
// post-stop handler (if any) ran, so nothing of the pod enters its cgroups again. Best effort:
// /init removes them at the end anyway.
void release_app_cgroups(int ready_fd, size_t index);
// /init, on its end: the next such app index, or nullopt when PID 1's side is closed (or failed).
std::optional<size_t> read_released_app(int fd);

}  // namespace stage1
