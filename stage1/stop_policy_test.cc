#include "stage1/stop_policy.h"

#include <gtest/gtest.h>

namespace stage1 {
namespace {

TEST(PodOutcome, AllSucceed) {
  PodOutcome o(2);
  EXPECT_FALSE(o.record_exit(0, 0));
  EXPECT_FALSE(o.all_exited());
  EXPECT_FALSE(o.record_exit(1, 0));
  EXPECT_TRUE(o.all_exited());
  EXPECT_EQ(o.exit_code(), 0);
}

TEST(PodOutcome, FirstFailureStopsTheOthersAndIsThePodsCode) {
  PodOutcome o(3);
  EXPECT_FALSE(o.record_exit(0, 0));
  EXPECT_TRUE(o.record_exit(1, 3));  // stop the rest
  EXPECT_TRUE(o.stopping());
  EXPECT_FALSE(o.record_exit(2, 143));  // already stopping: no second stop
  EXPECT_EQ(o.exit_code(), 3);
}

TEST(PodOutcome, LastAppFailingNeedsNoStop) {
  PodOutcome o(2);
  EXPECT_FALSE(o.record_exit(0, 0));
  EXPECT_FALSE(o.record_exit(1, 5));
  EXPECT_EQ(o.exit_code(), 5);
}

TEST(PodOutcome, StopRequestReportsTheAppsStatuses) {
  PodOutcome o(2);
  EXPECT_TRUE(o.request_stop());
  EXPECT_FALSE(o.request_stop());
  EXPECT_FALSE(o.record_exit(0, 0));  // handled SIGTERM and exited cleanly
  EXPECT_FALSE(o.record_exit(1, 143));
  EXPECT_EQ(o.exit_code(), 143);
}

TEST(PodOutcome, ExitIsRecordedOnce) {
  PodOutcome o(2);
  EXPECT_TRUE(o.record_exit(0, 1));
  EXPECT_FALSE(o.record_exit(0, 2));
  EXPECT_EQ(o.exit_code(), 1);
}

}  // namespace
}  // namespace stage1
