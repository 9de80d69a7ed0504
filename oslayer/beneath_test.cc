#include "oslayer/beneath.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace oslayer {
namespace {

class Beneath : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/beneath-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    path_ = tmpl;
    ASSERT_EQ(::mkdir((path_ + "/root").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((path_ + "/outside").c_str(), 0755), 0);
    auto r = open_path(path_ + "/root", O_PATH | O_DIRECTORY);
    ASSERT_TRUE(r);
    root_ = std::move(*r);
  }
  void TearDown() override { ASSERT_EQ(std::system(("rm -rf '" + path_ + "'").c_str()), 0); }
  std::string path_;
  Fd root_;
};

TEST_F(Beneath, RefusesDotDotAndAbsolutePaths) {
  auto up = open_beneath(root_.get(), "../outside", O_PATH, 0, Symlinks::kFollowInside);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code(), EXDEV);
  auto abs = open_beneath(root_.get(), "/etc/passwd", O_RDONLY, 0, Symlinks::kFollowInside);
  ASSERT_FALSE(abs);
  EXPECT_EQ(abs.error().code(), EXDEV);
}

TEST_F(Beneath, SymlinkOutOfTheRootIsNotFollowed) {
  ASSERT_EQ(::symlink((path_ + "/outside").c_str(), (path_ + "/root/escape").c_str()), 0);
  auto through =
      open_beneath(root_.get(), "escape/file", O_WRONLY | O_CREAT, 0644, Symlinks::kFollowInside);
  ASSERT_FALSE(through);
  EXPECT_NE(::access((path_ + "/outside/file").c_str(), F_OK), 0);
}

TEST_F(Beneath, WritingRefusesEvenSymlinksThatStayInside) {
  ASSERT_EQ(::mkdir((path_ + "/root/dir").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("dir", (path_ + "/root/link").c_str()), 0);
  EXPECT_TRUE(open_beneath(root_.get(), "link", O_PATH, 0, Symlinks::kFollowInside));
  auto refused = open_beneath(root_.get(), "link/x", O_WRONLY | O_CREAT, 0644, Symlinks::kRefuse);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ELOOP);
}

TEST_F(Beneath, MakeDirsStopsAtAPlantedSymlink) {
  ASSERT_TRUE(make_dirs_beneath(root_.get(), "a/b/c", 0755));
  ASSERT_EQ(::symlink((path_ + "/outside").c_str(), (path_ + "/root/evil").c_str()), 0);
  auto r = make_dirs_beneath(root_.get(), "evil/sub", 0755);
  ASSERT_FALSE(r);
  EXPECT_NE(::access((path_ + "/outside/sub").c_str(), F_OK), 0);
  EXPECT_FALSE(make_dirs_beneath(root_.get(), "a/../../x", 0755));
}

TEST(SplitParent, SplitsOnTheLastSlash) {
  EXPECT_EQ(split_parent("a/b/c"), (std::pair<std::string, std::string>{"a/b", "c"}));
  EXPECT_EQ(split_parent("c"), (std::pair<std::string, std::string>{"", "c"}));
}

}  // namespace
}  // namespace oslayer
