#include "oslayer/cgroup.h"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

constexpr std::string_view kHybridMounts =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:40 / /sys/fs/cgroup/net_cls rw,relatime - cgroup cgroup rw,net_cls\n"
    "37 31 0:41 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "38 31 0:42 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
constexpr std::string_view kHybridCgroup =
    "9:name=systemd:/user.slice/session-1.scope\n"
    "8:net_cls:/\n"
    "7:blkio:/\n"
    "6:cpuset:/\n"
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
  EXPECT_EQ(l->hierarchies, want);  // net_cls, cpuset and blkio are left to the host
}

// A probe that sees the filesystems `mounts` names (mountinfo text) and the directories `dirs`.
CgroupProbe fake_probe(std::string_view mounts, std::vector<std::string> dirs) {
  std::map<std::string, long> types;
  for (const auto& line : split_lines(mounts)) {
    std::istringstream in(line);
    std::string id, parent, dev, root, point, opts, field;
    in >> id >> parent >> dev >> root >> point >> opts;
    while (in >> field && field != "-") {
    }
    std::string fstype;
    in >> fstype;
    types[point] = fstype == "cgroup2"  ? CGROUP2_SUPER_MAGIC
                   : fstype == "cgroup" ? CGROUP_SUPER_MAGIC
                                        : TMPFS_MAGIC;
  }
  return {[types](const std::string& p) -> long {
            auto it = types.find(p);
            return it == types.end() ? 0 : it->second;
          },
          [dirs](const std::string& p) {
            return std::find(dirs.begin(), dirs.end(), p) != dirs.end();
          }};
}

const std::vector<std::string> kHybridDirs = {"/sys/fs/cgroup/systemd/user.slice/session-1.scope",
                                              "/sys/fs/cgroup/memory/process_api/3e4a",
                                              "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu",
                                              "/sys/fs/cgroup/unified/user.slice/session-1.scope"};

TEST(CgroupLayout, ConventionalPlacesAgreeWithMountinfo) {
  auto fast = conventional_cgroup_layout(kHybridCgroup, fake_probe(kHybridMounts, kHybridDirs));
  auto parsed = parse_cgroup_layout(kHybridMounts, kHybridCgroup);
  ASSERT_TRUE(fast);
  ASSERT_TRUE(parsed) << parsed.error().text();
  EXPECT_EQ(fast->mode, parsed->mode);
  EXPECT_EQ(fast->hierarchies, parsed->hierarchies);

  constexpr std::string_view v2 = "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  auto unified =
      conventional_cgroup_layout("0::/system.slice/rkt.service\n",
                                 fake_probe(v2, {"/sys/fs/cgroup/system.slice/rkt.service"}));
  ASSERT_TRUE(unified);
  EXPECT_EQ(unified->mode, CgroupMode::kUnified);
  ASSERT_EQ(unified->hierarchies.size(), 1u);
  EXPECT_EQ(unified->hierarchies[0].mount_point, "/sys/fs/cgroup");
  EXPECT_EQ(unified->hierarchies[0].own_path, "system.slice/rkt.service");
}

// Anything elsewhere leaves the answer to mountinfo.
TEST(CgroupLayout, ConventionalGivesUpOnAnythingElse) {
  // memory mounted somewhere else
  std::string moved(kHybridMounts);
  moved.replace(moved.find("/sys/fs/cgroup/memory"), 21, "/mnt/memory");
  EXPECT_FALSE(conventional_cgroup_layout(kHybridCgroup, fake_probe(moved, kHybridDirs)));
  // a mount of a subtree: the process's own directory is not at its path below it
  auto dirs = kHybridDirs;
  dirs.erase(dirs.begin() + 1);
  EXPECT_FALSE(conventional_cgroup_layout(kHybridCgroup, fake_probe(kHybridMounts, dirs)));
  // no unified mount where the hybrid layout keeps it
  std::string no_unified(kHybridMounts);
  no_unified.erase(no_unified.find("41 31"));
  EXPECT_FALSE(conventional_cgroup_layout(kHybridCgroup, fake_probe(no_unified, kHybridDirs)));
  EXPECT_FALSE(conventional_cgroup_layout("garbage\n", fake_probe(kHybridMounts, kHybridDirs)));
}

// On the machine the tests run on: detect_cgroups (which tries the conventional places first)
// gives what mountinfo says.
TEST(CgroupLayout, DetectedLayoutIsMountinfos) {
  auto mountinfo = read_file("/proc/self/mountinfo", 16 << 20);
  auto cgroup = read_file("/proc/self/cgroup", 1 << 20);
  ASSERT_TRUE(mountinfo && cgroup);
  auto parsed = parse_cgroup_layout(*mountinfo, *cgroup);
  auto detected = detect_cgroups();
  ASSERT_EQ(parsed.has_value(), detected.has_value());
  if (!parsed) return;  // no cgroup hierarchy mounted here: both said so
  EXPECT_EQ(detected->mode, parsed->mode);
  EXPECT_EQ(detected->hierarchies, parsed->hierarchies);
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

TEST(CgroupSet, ChildOnlyWhereSelectedKeepsTheParentElsewhere) {
  char tmpl[] = "/tmp/cgroup-child-test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  ASSERT_EQ(::mkdir((root + "/a").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/b").c_str(), 0755), 0);
  CgroupSet parent({{root + "/a", root, "memory", false}, {root + "/b", root, "pids", false}});
  auto child =
      parent.create_child("app", [](const CgroupSet::Dir& d) { return d.controllers == "memory"; });
  ASSERT_TRUE(child) << child.error().text();
  ASSERT_EQ(child->dirs().size(), 2u);
  EXPECT_EQ(child->dirs()[0].path, root + "/a/app");
  EXPECT_EQ(child->dirs()[1].path, root + "/b");
  struct stat st {};
  EXPECT_EQ(::stat((root + "/a/app").c_str(), &st), 0);
  EXPECT_NE(::stat((root + "/b/app").c_str(), &st), 0);
  std::filesystem::remove_all(root);
}

TEST(CgroupSet, AddSelfV1WritesZeroToEachV1TasksFileAndSkipsTheUnifiedOne) {
  // Stand-in hierarchies: plain `tasks` files collect the writes.
  char tmpl[] = "/tmp/cgroup-self-test.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  for (const char* d : {"/mem", "/sys", "/uni"}) ASSERT_EQ(::mkdir((root + d).c_str(), 0755), 0);
  for (const char* f : {"/mem/tasks", "/sys/tasks"}) std::ofstream((root + f).c_str());
  CgroupSet set({{root + "/mem", root, "memory", false},
                 {root + "/uni", root, "", true},
                 {root + "/sys", root, "name=systemd", false}});
  ASSERT_TRUE(set.add_self_v1());
  for (const char* f : {"/mem/tasks", "/sys/tasks"}) {
    auto text = read_file(root + f, 64);
    ASSERT_TRUE(text) << text.error().text();
    EXPECT_EQ(*text, "0") << f;
  }
  struct stat st {};
  EXPECT_NE(::stat((root + "/uni/tasks").c_str(), &st), 0);
  auto unified = set.open_unified();
  ASSERT_TRUE(unified) << unified.error().text();
  ASSERT_TRUE(unified->valid());
  ASSERT_EQ(::fstat(unified->get(), &st), 0);
  struct stat want {};
  ASSERT_EQ(::stat((root + "/uni").c_str(), &want), 0);
  EXPECT_EQ(st.st_ino, want.st_ino);

  // A v1 directory without `tasks` is an error that names it.
  CgroupSet missing({{root + "/uni", root, "pids", false}});
  auto s = missing.add_self_v1();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find(root + "/uni"), std::string::npos) << s.error().text();
  std::filesystem::remove_all(root);
}

TEST(CgroupSet, OpenUnifiedIsEmptyWithoutAUnifiedDirectory) {
  CgroupSet v1({{"/nonexistent/memory/rkt-1", "/nonexistent/memory", "memory", false}});
  auto fd = v1.open_unified();
  ASSERT_TRUE(fd) << fd.error().text();
  EXPECT_FALSE(fd->valid());
  CgroupSet gone({{"/nonexistent/unified/rkt-1", "/nonexistent/unified", "", true}});
  EXPECT_FALSE(gone.open_unified());
}

}  // namespace
}  // namespace oslayer
