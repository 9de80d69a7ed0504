// The cgroup v2 device program (oslayer/device_filter.h) against the real kernel, as root: a
// child process in a cgroup2 directory with the program attached may open what the rules allow
// and nothing else. On a hybrid host like CI's this is the only way to see the program work
// alone: the pods also get the v1 devices list.
#include "oslayer/device_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "oslayer/cgroup.h"
#include "oslayer/fd.h"

namespace oslayer {
namespace {

class DeviceFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root (cgroups, bpf, mknod)";
    auto layout = detect_cgroups();
    ASSERT_TRUE(layout) << layout.error().text();
    for (const auto& h : layout->hierarchies) {
      if (h.unified)
        cgroup_ = h.mount_point + "/" + h.own_path + "/rkt-devtest-" + std::to_string(::getpid());
    }
    ASSERT_FALSE(cgroup_.empty()) << "no cgroup2 tree mounted: device programs need one";
    ASSERT_EQ(::mkdir(cgroup_.c_str(), 0755), 0) << cgroup_;
    char tmpl[] = "/tmp/devtest.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // /dev/zero's numbers, made here so the test does not depend on the host's /dev.
    ASSERT_EQ(::mknod((dir_ + "/zero").c_str(), S_IFCHR | 0666, makedev(1, 5)), 0);
    ASSERT_EQ(::mknod((dir_ + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  }
  void TearDown() override {
    if (!cgroup_.empty()) ::rmdir(cgroup_.c_str());
    if (!dir_.empty()) {
      ::unlink((dir_ + "/zero").c_str());
      ::unlink((dir_ + "/null").c_str());
      ::unlink((dir_ + "/made").c_str());
      ::rmdir(dir_.c_str());
    }
  }
  // Runs in a child moved into the cgroup: bit 0 = null opened, 1 = zero opened, 2 = a new node
  // made, 3 = that node opened.
  int probe() {
    pid_t pid = ::fork();
    if (pid == 0) {
      int procs = ::open((cgroup_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      if (procs < 0 || ::write(procs, "0", 1) != 1) ::_exit(100);
      int bits = 0;
      if (int fd = ::open((dir_ + "/null").c_str(), O_RDWR | O_CLOEXEC); fd >= 0) bits |= 1;
      if (int fd = ::open((dir_ + "/zero").c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) bits |= 2;
      if (::mknod((dir_ + "/made").c_str(), S_IFCHR | 0600, makedev(1, 7)) == 0) bits |= 4;
      if (int fd = ::open((dir_ + "/made").c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) bits |= 8;
      ::_exit(bits);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::unlink((dir_ + "/made").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string cgroup_, dir_;
};

TEST_F(DeviceFilterTest, WithoutAProgramEverythingOpens) { EXPECT_EQ(probe(), 15); }

TEST_F(DeviceFilterTest, AnAttachedProgramAllowsOnlyItsRules) {
  std::vector<DeviceRule> rules = {*parse_device_rule("c *:* m"), *parse_device_rule("c 1:3 rwm")};
  auto s = attach_device_filter(cgroup_, rules);
  ASSERT_TRUE(s) << s.error().text();
  // null opens; zero does not; a node may be made (m) but not opened.
  EXPECT_EQ(probe(), 1 | 4);
}

}  // namespace
}  // namespace oslayer
