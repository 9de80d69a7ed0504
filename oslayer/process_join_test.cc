#include "oslayer/process_join.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

TEST(ProcessJoin, InnermostPidIsTheLastNSpidField) {
  struct Case {
    std::string_view status;
    pid_t want;  // 0: an error
  } cases[] = {
      {"Name:\tsh\nNSpid:\t4242\t7\nNSpgid:\t1\n", 7},
      {"Name:\tsh\nNSpid:\t4242\nNSpgid:\t1\n", 4242},
      {"Name:\tsh\nNSpid:\t9\t8\t3", 3},
      {"Name:\tsh\nNSpid:\t9\t8\t3  \n", 3},
      {"Name:\tsh\nPid:\t9\n", 0},
      {"Name:\tsh\nNSpid:\t9\tx\n", 0},
      {"Name:\tsh\nNSpid:\t\n", 0},
      {"Name:\tsh\nNSpid:\t9\t0\n", 0},
  };
  for (const auto& c : cases) {
    auto got = innermost_pid(c.status);
    if (c.want == 0) {
      EXPECT_FALSE(got) << c.status;
    } else {
      ASSERT_TRUE(got) << c.status;
      EXPECT_EQ(*got, c.want) << c.status;
    }
  }
}

TEST(ProcessJoin, InnermostPidOfOurselves) {
  auto status = read_file("/proc/self/status", 1 << 16);
  ASSERT_TRUE(status);
  auto pid = innermost_pid(*status);
  ASSERT_TRUE(pid) << pid.error().text();
  // The test runs in one PID namespace, whichever it is.
  EXPECT_EQ(*pid, ::getpid());
}

TEST(ProcessJoin, PidfdOfOurselvesAndOfNobody) {
  auto fd = open_pidfd(::getpid());
  ASSERT_TRUE(fd) << fd.error().text();
  EXPECT_TRUE(fd->valid());
  EXPECT_FALSE(open_pidfd(-5));
}

TEST(ProcessJoin, DumpableFlagRoundTrips) {
  ASSERT_TRUE(set_dumpable(false));
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE), 0);
  ASSERT_TRUE(set_dumpable(true));
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE), 1);
}

}  // namespace
}  // namespace oslayer
