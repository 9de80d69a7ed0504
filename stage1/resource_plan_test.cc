#include "stage1/resource_plan.h"

#include <gtest/gtest.h>

namespace stage1 {
namespace {

appc::Isolator iso(std::string_view name, std::string_view value) {
  auto i = appc::make_isolator(name, value);
  EXPECT_TRUE(i) << i.error().text();
  return *i;
}

TEST(ResourcePlan, PodLimitsFromIsolators) {
  auto p = plan_pod_resources({
      iso("resource/memory", R"({"request": "32Mi", "limit": "64Mi"})"),
      iso("resource/cpu", R"({"request": "100m", "limit": "1500m"})"),
      iso("os/linux/cpu-shares", "512"),
      iso("os/linux/oom-score-adj", "300"),
  });
  EXPECT_EQ(p.limits.memory_bytes, 64 << 20);
  EXPECT_EQ(p.limits.cpu_millicores, 1500);
  EXPECT_EQ(p.limits.cpu_shares, 512);
  EXPECT_EQ(p.oom_score_adj, 300);
  EXPECT_TRUE(p.bounded.empty());
}

TEST(ResourcePlan, QuantitiesInTheirBaseUnits) {
  struct Case {
    std::string memory, cpu;
    int64_t bytes, millicores;
  } cases[] = {
      {"64M", "500m", 64000000, 500},
      {"128Mi", "2", 134217728, 2000},
      {"1Gi", "0.25", int64_t{1} << 30, 250},
      {"1e6", "1.5", 1000000, 1500},
      {"1000001m", "1m", 1001, 1},  // bytes round up to an integer
  };
  for (const auto& c : cases) {
    auto p = plan_pod_resources({iso("resource/memory", R"({"limit": ")" + c.memory + "\"}"),
                                 iso("resource/cpu", R"({"limit": ")" + c.cpu + "\"}")});
    EXPECT_EQ(p.limits.memory_bytes, c.bytes) << c.memory;
    EXPECT_EQ(p.limits.cpu_millicores, c.millicores) << c.cpu;
  }
}

TEST(ResourcePlan, RequestsAloneSetNothing) {
  auto p = plan_pod_resources({iso("resource/memory", R"({"request": "64Mi"})"),
                               iso("resource/cpu", R"({"request": "1"})")});
  EXPECT_TRUE(p.limits.empty());
}

TEST(ResourcePlan, PodBoundsTheApp) {
  auto pod = plan_pod_resources({iso("resource/memory", R"({"limit": "64Mi"})"),
                                 iso("resource/cpu", R"({"limit": "500m"})"),
                                 iso("os/linux/oom-score-adj", "100")});
  auto app = plan_app_resources({iso("resource/memory", R"({"limit": "256Mi"})"),
                                 iso("resource/cpu", R"({"limit": "250m"})")},
                                pod);
  EXPECT_EQ(app.limits.memory_bytes, 64 << 20);  // lowered
  EXPECT_EQ(app.limits.cpu_millicores, 250);     // already below
  EXPECT_EQ(app.oom_score_adj, 100);             // the pod's, the app has none
  ASSERT_EQ(app.bounded.size(), 1u);
  EXPECT_EQ(app.bounded[0],
            "resource/memory limit 268435456 bytes lowered to the pod's 67108864 bytes");
}

TEST(ResourcePlan, AppWithoutLimitsStaysUnlimitedUnderThePod) {
  auto pod = plan_pod_resources({iso("resource/memory", R"({"limit": "64Mi"})")});
  auto app = plan_app_resources({iso("os/linux/oom-score-adj", "-5")}, pod);
  EXPECT_EQ(app.limits.memory_bytes, std::nullopt);  // the pod cgroup's limit holds it
  EXPECT_EQ(app.oom_score_adj, -5);                  // the app's own wins
  EXPECT_TRUE(app.bounded.empty());
}

TEST(ResourcePlan, OtherIsolatorsAreNotResources) {
  auto p = plan_pod_resources({iso("os/linux/no-new-privileges", "true"),
                               iso("resource/block-iops", R"({"default": true, "limit": "1k"})")});
  EXPECT_EQ(p, ResourcePlan{});
}

}  // namespace
}  // namespace stage1
