#include "stage1/resource_plan.h"

#include <variant>

namespace stage1 {

ResourcePlan plan_pod_resources(const std::vector<appc::Isolator>& isolators) {
  ResourcePlan plan;
  for (const auto& iso : isolators) {
    if (const auto* m = std::get_if<appc::ResourceMemory>(&iso.value); m && m->limit) {
      plan.limits.memory_bytes = m->limit->value();
    } else if (const auto* c = std::get_if<appc::ResourceCpu>(&iso.value); c && c->limit) {
      plan.limits.cpu_millicores = c->limit->milli_value();
    } else if (const auto* s = std::get_if<appc::CpuShares>(&iso.value)) {
      plan.limits.cpu_shares = s->value;
    } else if (const auto* o = std::get_if<appc::OomScoreAdj>(&iso.value)) {
      plan.oom_score_adj = o->value;
    }
  }
  return plan;
}

ResourcePlan plan_app_resources(const std::vector<appc::Isolator>& isolators,
                                const ResourcePlan& pod) {
  ResourcePlan plan = plan_pod_resources(isolators);
  auto bound = [&](std::optional<int64_t>& app, const std::optional<int64_t>& limit,
                   const char* isolator, const char* unit) {
    if (!app || !limit || *app <= *limit) return;
    plan.bounded.push_back(std::string(isolator) + " limit " + std::to_string(*app) + unit +
                           " lowered to the pod's " + std::to_string(*limit) + unit);
    app = limit;
  };
  bound(plan.limits.memory_bytes, pod.limits.memory_bytes, "resource/memory", " bytes");
  bound(plan.limits.cpu_millicores, pod.limits.cpu_millicores, "resource/cpu", "m");
  if (!plan.oom_score_adj) plan.oom_score_adj = pod.oom_score_adj;
  return plan;
}

}  // namespace stage1
