#include "oslayer/cgroup.h"

#include <gtest/gtest.h>

namespace oslayer {
namespace {

constexpr std::string_view kHybridMounts =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:40 / /sys/fs/cgroup/net_cls rw,relatime - cgroup cgroup rw,net_cls\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
constexpr std::string_view kHybridCgroup =
    "9:name=systemd:/user.slice/session-1.scope\n"
    "8:net_cls:/\n"
    "4:memory:/process_api/3e4a\n"
    "2:cpuacct:/\n"
    "1:cpu:/\n"
    "0::/user.slice/session-1.scope\n";

TEST(CgroupLayout, HybridKeepsPodControllersAndEachOwnPath) {
  auto l = parse_cgroup_layout(kHybridMounts, kHybridCgroup);
  ASSERT_TRUE(l) << l.error().text();
  EXPECT_EQ(l->mode, CgroupMode::kHybrid);
  std::vector<CgroupHierarchy> want = {
      {"/sys/fs/cgroup/systemd", "name=systemd", "user.slice/session-1.scope", false},
      {"/sys/fs/cgroup/memory", "memory", "process_api/3e4a", false},
      {"/sys/fs/cgroup/cpuacct", "cpuacct", "", false},
      {"/sys/fs/cgroup/cpu", "cpu", "", false},
      {"/sys/fs/cgroup/unified", "", "user.slice/session-1.scope", true},
  };
  EXPECT_EQ(l->hierarchies, want);  // net_cls is left to the host
}

TEST(CgroupLayout, UnifiedOnly) {
  auto l =
      parse_cgroup_layout("30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
                          "0::/system.slice/rkt.service\n");
  ASSERT_TRUE(l) << l.error().text();
  EXPECT_EQ(l->mode, CgroupMode::kUnified);
  ASSERT_EQ(l->hierarchies.size(), 1u);
  EXPECT_EQ(l->hierarchies[0].mount_point, "/sys/fs/cgroup");
  EXPECT_EQ(l->hierarchies[0].own_path, "system.slice/rkt.service");
}

TEST(CgroupLayout, CoMountedControllersAndLegacyMode) {
  auto l = parse_cgroup_layout(
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n",
      "1:cpu,cpuacct:/a\n0::/a\n");
  ASSERT_TRUE(l) << l.error().text();
  EXPECT_EQ(l->mode, CgroupMode::kLegacy);  // the 0:: line has no cgroup2 mount
  ASSERT_EQ(l->hierarchies.size(), 1u);
  EXPECT_EQ(l->hierarchies[0].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(l->hierarchies[0].controllers, "cpu,cpuacct");
}

TEST(CgroupLayout, MountOfASubtreeAndEscapedMountPoint) {
  // Inside a container the hierarchy is often mounted from the container's own cgroup.
  auto l = parse_cgroup_layout(
      "50 40 0:26 /ctr /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n"
      "51 40 0:26 /other /elsewhere rw - cgroup2 cgroup2 rw\n",
      "0::/ctr/app\n");
  ASSERT_TRUE(l) << l.error().text();
  ASSERT_EQ(l->hierarchies.size(), 1u);
  EXPECT_EQ(l->hierarchies[0].mount_point, "/sys/fs/my cgroup");
  EXPECT_EQ(l->hierarchies[0].own_path, "app");
}

TEST(CgroupLayout, NothingMountedOrMalformed) {
  EXPECT_FALSE(parse_cgroup_layout("", "0::/\n"));
  EXPECT_FALSE(parse_cgroup_layout(kHybridMounts, "garbage\n"));
}

TEST(CgroupSet, RelativePathPrefersNameSystemdThenUnified) {
  CgroupSet hybrid(
      {{"/sys/fs/cgroup/memory/x/rkt-1", "/sys/fs/cgroup/memory", "memory", false},
       {"/sys/fs/cgroup/unified/u/rkt-1", "/sys/fs/cgroup/unified", "", true},
       {"/sys/fs/cgroup/systemd/s/rkt-1", "/sys/fs/cgroup/systemd", "name=systemd", false}});
  EXPECT_EQ(hybrid.relative_path(), "s/rkt-1");
  CgroupSet v2({{"/sys/fs/cgroup/a/rkt-1", "/sys/fs/cgroup", "", true}});
  EXPECT_EQ(v2.relative_path(), "a/rkt-1");
}

TEST(CgroupSet, RefusesNamesThatAreNotOneElement) {
  CgroupSet s({{"/nonexistent", "/", "", true}});
  EXPECT_FALSE(s.create_child("a/b"));
  EXPECT_FALSE(s.create_child(".."));
  EXPECT_FALSE(s.create_child(""));
}

TEST(CgroupSet, RemovingMissingCgroupsSucceeds) {
  EXPECT_TRUE(remove_cgroup_tree("/nonexistent/cgroup/rkt-x", true));
}

}  // namespace
}  // namespace oslayer
