#include "oslayer/mount.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace oslayer {
namespace {

class MountTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mount-target-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    path_ = tmpl;
    ASSERT_EQ(::mkdir((path_ + "/root").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((path_ + "/outside").c_str(), 0755), 0);
    auto r = open_path(path_ + "/root", O_PATH | O_DIRECTORY);
    ASSERT_TRUE(r);
    root_ = std::move(*r);
  }
  void TearDown() override { ASSERT_EQ(std::system(("rm -rf '" + path_ + "'").c_str()), 0); }
  bool exists(const std::string& p) { return ::access((path_ + "/" + p).c_str(), F_OK) == 0; }
  std::string path_;
  Fd root_;
};

TEST_F(MountTarget, CreatesMissingDirectoriesAndFiles) {
  ASSERT_TRUE(open_mount_target(root_.get(), "/data/a/b", TargetKind::kDirectory));
  EXPECT_TRUE(exists("root/data/a/b"));
  ASSERT_TRUE(open_mount_target(root_.get(), "/etc/hosts", TargetKind::kFile));
  EXPECT_TRUE(exists("root/etc/hosts"));
}

TEST_F(MountTarget, AbsoluteSymlinkInTheImageStaysInside) {
  // An image's /data -> <host path>: followed as if the root were "/", so the directory is made
  // inside the root and the host directory is untouched.
  ASSERT_EQ(::symlink((path_ + "/outside").c_str(), (path_ + "/root/data").c_str()), 0);
  auto t = open_mount_target(root_.get(), "/data/x", TargetKind::kDirectory);
  ASSERT_TRUE(t) << t.error().text();
  EXPECT_FALSE(exists("outside/x"));
  EXPECT_TRUE(exists("root" + path_ + "/outside/x"));
}

TEST_F(MountTarget, RelativeDanglingSymlinkIsCreatedInside) {
  ASSERT_EQ(::mkdir((path_ + "/root/var").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("../run", (path_ + "/root/var/run").c_str()), 0);
  auto t = open_mount_target(root_.get(), "/var/run/x", TargetKind::kDirectory);
  ASSERT_TRUE(t) << t.error().text();
  EXPECT_TRUE(exists("root/run/x"));
}

TEST_F(MountTarget, DotDotAndWrongKindAreRefused) {
  EXPECT_FALSE(open_mount_target(root_.get(), "/a/../../outside", TargetKind::kDirectory));
  ASSERT_TRUE(open_mount_target(root_.get(), "/f", TargetKind::kFile));
  auto t = open_mount_target(root_.get(), "/f", TargetKind::kDirectory);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), ENOTDIR);
  EXPECT_FALSE(open_mount_target(root_.get(), "/", TargetKind::kDirectory));
}

}  // namespace
}  // namespace oslayer
