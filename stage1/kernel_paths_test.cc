#include "stage1/kernel_paths.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace stage1 {
namespace {

bool has(const std::vector<ProtectedPath>& paths, const std::string& path, PathProtection how) {
  return std::any_of(paths.begin(), paths.end(),
                     [&](const ProtectedPath& p) { return p.path == path && p.how == how; });
}

TEST(KernelPaths, ProcMasksRktsAndDockersLists) {
  auto p = protected_proc_paths(false);
  for (const char* f : {"kcore", "kmem", "mem", "kallsyms", "config.gz", "keys", "timer_list",
                        "sched_debug", "latency_stats", "timer_stats", "interrupts"}) {
    EXPECT_TRUE(has(p, f, PathProtection::kMaskFile)) << f;
  }
  for (const char* d : {"acpi", "asound", "scsi"}) {
    EXPECT_TRUE(has(p, d, PathProtection::kMaskDir)) << d;
  }
  for (const char* r : {"sys", "sysrq-trigger", "bus", "fs", "irq"}) {
    EXPECT_TRUE(has(p, r, PathProtection::kReadOnly)) << r;
  }
}

TEST(KernelPaths, SysHidesFirmwareAndPowercap) {
  auto s = protected_sys_paths(false);
  EXPECT_TRUE(has(s, "firmware", PathProtection::kMaskDir));
  EXPECT_TRUE(has(s, "devices/virtual/powercap", PathProtection::kMaskDir));
}

TEST(KernelPaths, InsecurePathsDisableEverything) {
  EXPECT_TRUE(protected_proc_paths(true).empty());
  EXPECT_TRUE(protected_sys_paths(true).empty());
}

TEST(KernelPaths, PathsAreRelativeAndClean) {
  auto all = protected_proc_paths(false);
  auto sys = protected_sys_paths(false);
  all.insert(all.end(), sys.begin(), sys.end());
  for (const auto& p : all) {
    EXPECT_FALSE(p.path.empty());
    EXPECT_NE(p.path[0], '/') << p.path;
    EXPECT_EQ(p.path.find(".."), std::string::npos) << p.path;
  }
}

}  // namespace
}  // namespace stage1
