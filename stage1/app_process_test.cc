#include "stage1/app_process.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace stage1 {
namespace {

TEST(AppProcess, ParseChildren) {
  EXPECT_EQ(*parse_children(""), (std::vector<pid_t>{}));
  EXPECT_EQ(*parse_children("12 345 "), (std::vector<pid_t>{12, 345}));
  EXPECT_EQ(*parse_children("7\n"), (std::vector<pid_t>{7}));
  EXPECT_FALSE(parse_children("12 x"));
  EXPECT_FALSE(parse_children("-3"));
}

TEST(AppProcess, ParseStatus) {
  auto s = parse_process_status(
      "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nPPid:\t4200\n"
      "NSpid:\t4242\t3\n");
  ASSERT_TRUE(s) << s.error().text();
  EXPECT_EQ(s->state, 'S');
  EXPECT_EQ(s->ppid, 4200);
  EXPECT_EQ(s->inner, 3);
  EXPECT_FALSE(parse_process_status("Name:\tx\nPPid:\t1\nNSpid:\t5\n"));  // no State
  EXPECT_FALSE(parse_process_status("State:\tS\nNSpid:\t5\n"));           // no PPid
  EXPECT_FALSE(parse_process_status("State:\tS\nPPid:\t1\n"));            // no NSpid
}

TEST(AppProcess, OurOwnProcessIsNotAPod) {
  // This process is not PID 1 of a namespace: refused.
  EXPECT_FALSE(find_app_process(::getpid(), 1));
  EXPECT_FALSE(is_app_process(::getpid(), ::getppid() + 1, ::getpid()));
}

}  // namespace
}  // namespace stage1
