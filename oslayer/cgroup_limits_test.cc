#include "oslayer/cgroup_limits.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "oslayer/fd.h"
#include "oslayer/remove_tree.h"

namespace oslayer {
namespace {

TEST(CfsQuota, MillicoresAreTenthsOfAPercentOfThePeriod) {
  struct Case {
    int64_t millicores, quota;
  } cases[] = {
      {1000, 100000},                      // one core: the whole 100 ms period
      {500, 50000},                        // --cpu=500m
      {2000, 200000},                      // --cpu=2: two cores' worth per period
      {250, 25000},                        // 0.25
      {10, 1000},                          // the kernel's minimum quota exactly
      {1, kMinCfsQuotaUs},                 // below the minimum: raised to it
      {int64_t{1} << 62, kMaxCfsQuotaUs},  // no overflow, capped at the kernel's maximum
  };
  for (const auto& c : cases) EXPECT_EQ(cfs_quota_us(c.millicores), c.quota) << c.millicores;
}

TEST(CpuWeight, SharesConvertAsSystemdDoes) {
  struct Case {
    int64_t shares, weight;
  } cases[] = {
      {1024, 100},      // both defaults
      {2048, 200},      //
      {512, 50},        //
      {2, 1},           // v1's minimum: v2's minimum
      {10, 1},          // rounds down to 0, clamped to 1
      {262144, 10000},  // v1's maximum: v2's maximum (25600 clamped)
      {102400, 10000},  //
      {10240, 1000},    //
  };
  for (const auto& c : cases) EXPECT_EQ(cpu_weight_of_shares(c.shares), c.weight) << c.shares;
}

TEST(LimitWrites, V1Files) {
  CgroupLimits l{.memory_bytes = 67108864, .cpu_millicores = 500, .cpu_shares = 512};
  std::vector<CgroupWrite> want = {
      {"memory", "memory.limit_in_bytes", "67108864"},
      {"cpu", "cpu.cfs_period_us", "100000"},
      {"cpu", "cpu.cfs_quota_us", "50000"},
      {"cpu", "cpu.shares", "512"},
  };
  EXPECT_EQ(v1_limit_writes(l), want);
  EXPECT_TRUE(v1_limit_writes(CgroupLimits{}).empty());
}

TEST(LimitWrites, V2Files) {
  CgroupLimits l{.memory_bytes = 64000000, .cpu_millicores = 2000, .cpu_shares = 2048};
  std::vector<CgroupWrite> want = {
      {"memory", "memory.max", "64000000"},
      {"cpu", "cpu.max", "200000 100000"},
      {"cpu", "cpu.weight", "200"},
  };
  EXPECT_EQ(v2_limit_writes(l), want);
  EXPECT_EQ(controllers_for(l), (std::vector<std::string>{"memory", "cpu"}));
  EXPECT_EQ(controllers_for(CgroupLimits{.cpu_shares = 2}), std::vector<std::string>{"cpu"});
}

TEST(OomKillCount, V1AndV2Texts) {
  EXPECT_EQ(parse_oom_kill_count("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3u);
  EXPECT_EQ(parse_oom_kill_count("low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n"),
            1u);
  EXPECT_EQ(parse_oom_kill_count("oom_kill_disable 0\nunder_oom 0\n"), std::nullopt);  // < 4.13
  EXPECT_EQ(parse_oom_kill_count("oom_kill x\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill_count(""), std::nullopt);
}

// Cgroup directories faked in a temp dir: the files exist, so the writes land in them.
class FakeCgroups : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cgroup-limits-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { (void)remove_tree(AT_FDCWD, root_); }
  std::string dir(const std::string& name, const std::vector<std::string>& files) {
    std::string d = root_ + "/" + name;
    EXPECT_EQ(::mkdir(d.c_str(), 0755), 0);
    for (const auto& f : files) put(d + "/" + f, "");
    return d;
  }
  static void put(const std::string& path, const std::string& text) {
    auto fd = open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(fd) << fd.error().text();
    ASSERT_TRUE(write_all(fd->get(), text));
  }
  static std::string get(const std::string& path) {
    auto t = read_file(path, 4096);
    return t ? *t : "<" + t.error().text() + ">";
  }
  std::string root_;
};

TEST_F(FakeCgroups, HybridWritesV1FilesAndLeavesTheUnifiedTreeAlone) {
  std::string mem = dir("memory", {"memory.limit_in_bytes"});
  std::string cpu = dir("cpu", {"cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares"});
  std::string uni = dir("unified", {"cgroup.controllers"});
  CgroupSet set(
      {{mem, root_, "memory", false}, {cpu, root_, "cpu", false}, {uni, root_, "", true}});
  CgroupLimits l{.memory_bytes = 33554432, .cpu_millicores = 250, .cpu_shares = 100};
  ASSERT_TRUE(enable_v2_controllers(set, controllers_for(l)));
  auto s = apply_cgroup_limits(set, l);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(get(mem + "/memory.limit_in_bytes"), "33554432");
  EXPECT_EQ(get(cpu + "/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(get(cpu + "/cpu.cfs_quota_us"), "25000");
  EXPECT_EQ(get(cpu + "/cpu.shares"), "100");
}

TEST_F(FakeCgroups, UnifiedWritesV2Files) {
  std::string pod = dir("pod", {"memory.max", "cpu.max", "cpu.weight", "cgroup.subtree_control"});
  put(pod + "/cgroup.controllers", "cpuset cpu io memory pids\n");
  CgroupSet set({{pod, root_, "", true}});
  CgroupLimits l{.memory_bytes = 1 << 30, .cpu_millicores = 1500, .cpu_shares = 4096};
  auto e = enable_v2_controllers(set, controllers_for(l));
  ASSERT_TRUE(e) << e.error().text();
  auto s = apply_cgroup_limits(set, l);
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(get(pod + "/memory.max"), "1073741824");
  EXPECT_EQ(get(pod + "/cpu.max"), "150000 100000");
  EXPECT_EQ(get(pod + "/cpu.weight"), "400");
}

TEST_F(FakeCgroups, MissingControllerIsAnErrorThatNamesIt) {
  std::string pod = dir("pod", {"memory.max"});
  put(pod + "/cgroup.controllers", "pids\n");
  put(root_ + "/cgroup.controllers", "pids\n");
  CgroupSet set({{pod, root_, "", true}});
  CgroupLimits l{.memory_bytes = 1 << 20};
  auto e = enable_v2_controllers(set, controllers_for(l));
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().text().find("memory controller is not available"), std::string::npos)
      << e.error().text();
  auto s = apply_cgroup_limits(set, l);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("no memory cgroup controller"), std::string::npos)
      << s.error().text();
}

TEST_F(FakeCgroups, OomKillsFromV1OrV2) {
  std::string mem = dir("memory", {});
  put(mem + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  EXPECT_EQ(read_oom_kills(CgroupSet({{mem, root_, "memory", false}})), 2u);
  std::string uni = dir("unified", {});
  put(uni + "/memory.events", "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
  EXPECT_EQ(read_oom_kills(CgroupSet({{uni, root_, "", true}})), 1u);
  EXPECT_EQ(read_oom_kills(CgroupSet({{root_, root_, "cpu", false}})), std::nullopt);
}

}  // namespace
}  // namespace oslayer
