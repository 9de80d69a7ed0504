// Taking a pod out of the lifecycle: the renames into the garbage directories and the deletion
// itself, shared by `rkt gc` (which finds pods by listing) and `rkt rm` (which names one pod and
// must not list the others, rkt's O(#pods) rm being issue #3960).
#pragma once

#include <string>
#include <string_view>

#include "oslayer/fd.h"
#include "oslayer/result.h"
#include "stage0/pods/pod_dir.h"

namespace stage0::pods {

// The state directory a pod in state `s` sits in.
std::string_view state_dir_of(PodState s);

// A non-blocking exclusive lock of the pod dir at ref.path; the returned fd holds it. A lock
// held elsewhere fails with code EWOULDBLOCK.
[[nodiscard]] oslayer::Result<oslayer::Fd> lock_pod(const PodRef& ref);

// rename(2) of the pod into state directory `to`; ref.path follows. A pod that moved meanwhile
// fails with code ENOENT.
[[nodiscard]] oslayer::Status move_pod(const std::string& data_dir, PodRef& ref,
                                       std::string_view to);

struct DeleteOptions {
  std::string data_dir;
  std::string local_config;  // passed to the stage1 gc entrypoint
  bool debug = false;
};

// Deletes a pod this process holds locked in exited-garbage/ or garbage/: for a pod that ran,
// the stage1 `gc` entrypoint first (its failure is logged, not fatal: the directory must still
// go), then any mount found below the pod dir is detached (there should be none: every pod mount
// lives in the pod's own namespace), then the directory is removed.
[[nodiscard]] oslayer::Status delete_pod(const DeleteOptions& opts, const PodRef& ref,
                                         bool ran_stage1);

}  // namespace stage0::pods
