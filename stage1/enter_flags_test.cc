#include "stage1/enter_flags.h"

#include <gtest/gtest.h>

namespace stage1 {
namespace {

using V = std::vector<std::string>;

TEST(EnterFlags, RktsCommandLine) {
  auto f = parse_enter_flags({"--pid=4242", "--appname=web", "--", "ls", "-l", "--pid=3"});
  ASSERT_TRUE(f) << f.error().text();
  EXPECT_EQ(f->pid, 4242);
  EXPECT_EQ(f->app, "web");
  EXPECT_FALSE(f->debug);
  EXPECT_EQ(f->command, (V{"ls", "-l", "--pid=3"}));
  auto shell = parse_enter_flags({"--debug", "--appname=web", "--pid=9"});
  ASSERT_TRUE(shell);
  EXPECT_TRUE(shell->debug);
  EXPECT_TRUE(shell->command.empty());
}

TEST(EnterFlags, Refusals) {
  struct Case {
    V args;
    const char* message;
  } cases[] = {
      {{"--appname=web"}, "--pid=PID is required"},
      {{"--pid=9"}, "--appname=APP is required"},
      {{"--pid=1", "--appname=web"}, "--pid: \"1\" is not the PID of a pod"},
      {{"--pid=x", "--appname=web"}, "--pid: \"x\" is not the PID of a pod"},
      {{"--pid=9", "--appname=web", "ls"}, "unexpected argument \"ls\""},
  };
  for (const auto& c : cases) {
    auto f = parse_enter_flags(c.args);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().text(), c.message);
  }
  EXPECT_FALSE(parse_enter_flags({"--pid=9", "--appname=../x"}));
}

}  // namespace
}  // namespace stage1
