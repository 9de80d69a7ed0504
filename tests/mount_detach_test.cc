// oslayer::detach_mount_tree against the real kernel, as root: in a mount namespace of its own, a
// child process mounts a tmpfs with another below it and detaches both through an fd of the top
// one, as /init does with stage1's overlay once every app of the pod has ended.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <string>

#include "oslayer/fd.h"
#include "oslayer/mount.h"

namespace oslayer {
namespace {

bool mounted(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // The fifth field is the mount point.
    size_t at = 0;
    for (int i = 0; i < 4 && at != std::string::npos; ++i) at = line.find(' ', at + 1);
    if (at == std::string::npos) continue;
    size_t end = line.find(' ', at + 1);
    if (line.substr(at + 1, end - at - 1) == path) return true;
  }
  return false;
}

// Runs `body` in a child with a private mount namespace; its exit code is the number of failed
// checks (gtest's assertions do not cross the fork).
int in_private_namespace(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) < 0) ::_exit(100);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) ::_exit(101);
    ::_exit(body());
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

class MountDetachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root (mount namespaces, mounts)";
    char tmpl[] = "/tmp/detachtest.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    ::rmdir((dir_ + "/top/sub").c_str());
    ::rmdir((dir_ + "/top").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(MountDetachTest, DetachesTheMountAndEverythingBelowIt) {
  const std::string top = dir_ + "/top";
  ASSERT_EQ(::mkdir(top.c_str(), 0755), 0);
  int failed = in_private_namespace([&] {
    int bad = 0;
    if (::mount("tmpfs", top.c_str(), "tmpfs", 0, "mode=0755") < 0) return 90;
    if (::mkdir((top + "/sub").c_str(), 0755) < 0) return 91;
    if (::mount("tmpfs", (top + "/sub").c_str(), "tmpfs", 0, "mode=0755") < 0) return 92;
    if (::mkdir((top + "/sub/kept").c_str(), 0755) < 0) return 93;
    auto fd = open_path(top, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) return 94;
    auto inner = open_path(top + "/sub", O_RDONLY | O_DIRECTORY);
    if (!inner) return 95;
    if (!detach_mount_tree(fd->get())) ++bad;
    if (mounted(top)) ++bad;
    if (mounted(top + "/sub")) ++bad;
    // Lazily: what is still open keeps working.
    struct stat st {};
    if (::fstatat(inner->get(), "kept", &st, 0) < 0) ++bad;
    // The directory underneath is the plain, empty one again.
    if (::access((top + "/sub").c_str(), F_OK) == 0) ++bad;
    return bad;
  });
  EXPECT_EQ(failed, 0);
}

TEST_F(MountDetachTest, RefusesWhatIsNoMountRoot) {
  const std::string top = dir_ + "/top";
  ASSERT_EQ(::mkdir(top.c_str(), 0755), 0);
  int failed = in_private_namespace([&] {
    auto fd = open_path(top, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) return 94;
    auto st = detach_mount_tree(fd->get());
    return st ? 1 : (st.error().code() == EINVAL ? 0 : 2);
  });
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace oslayer
