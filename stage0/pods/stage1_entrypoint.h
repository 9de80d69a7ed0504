// Running a pod's stage1 `stop` and `gc` entrypoints from stage0
// (Documentation/devel/stage1-interface.md). The entrypoint is named by the annotation
// coreos.com/rkt/stage1/<name> in the pod's stage1/manifest, as a path inside the stage1 rootfs.
//
// stage1/rootfs is only mounted inside the pod's private mount namespace, so from the host the
// binary is taken from the stage1 tree in the tree store, <data dir>/cas/tree/<stage1TreeStoreID>/
// rootfs/<entrypoint>: the same read-only lower layer the pod's overlay shows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"
#include "stage0/pods/pod_dir.h"

namespace stage0::pods {

// The host path of the entrypoint `name` ("stop", "gc") of the pod's stage1, checked to exist
// inside the tree's rootfs. A missing annotation: "stage1 ... does not implement <name>".
[[nodiscard]] oslayer::Result<std::string> stage1_entrypoint_path(const std::string& data_dir,
                                                                  const PodRef& pod,
                                                                  std::string_view name);

// Runs the entrypoint with `args` (argv[1..]) and the current directory = the pod dir, stdout and
// stderr inherited, and waits. Returns its exit status (128+N when killed by signal N).
[[nodiscard]] oslayer::Result<int> run_stage1_entrypoint(const std::string& data_dir,
                                                         const PodRef& pod, std::string_view name,
                                                         const std::vector<std::string>& args);

}  // namespace stage0::pods
