// The resource isolators of a pod and its apps (resource/memory, resource/cpu,
// os/linux/cpu-shares, os/linux/oom-score-adj) as what stage1 sets: cgroup limits for the pod
// cgroup and each app's, and the app's OOM score. Pure: the supervisor applies the plans.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appc-spec/isolators.h"
#include "oslayer/cgroup_limits.h"

namespace stage1 {

struct ResourcePlan {
  oslayer::CgroupLimits limits;
  std::optional<int> oom_score_adj;
  // What the pod's isolators changed in an app's (the appc spec wants the user told).
  std::vector<std::string> bounded;
  bool operator==(const ResourcePlan&) const = default;
};

// The pod manifest's own `isolators`. Requests are ignored, as rkt did: only limits are set.
ResourcePlan plan_pod_resources(const std::vector<appc::Isolator>& isolators);
// An app's isolators, bounded by the pod's: an app limit above the pod's is lowered to it (cgroup
// v1 refuses a child CFS quota above its parent's). The OOM score is the app's, else the pod's.
ResourcePlan plan_app_resources(const std::vector<appc::Isolator>& isolators,
                                const ResourcePlan& pod);

}  // namespace stage1
