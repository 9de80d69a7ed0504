#include "stage2/options.h"

#include <gtest/gtest.h>

namespace stage2 {
namespace {

TEST(ParseOptions, AllFlags) {
  auto o = parse_options({"--app=web", "--event=post-stop", "--disable-capabilities-restriction",
                          "--disable-seccomp", "--debug"});
  ASSERT_TRUE(o) << o.error().text();
  EXPECT_EQ(o->app, "web");
  EXPECT_EQ(o->event, appc::EventName::kPostStop);
  EXPECT_TRUE(o->disable_capabilities_restriction);
  EXPECT_TRUE(o->disable_seccomp);
  EXPECT_TRUE(o->debug);
  auto d = parse_options({"--app=a"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->event, std::nullopt);
  EXPECT_FALSE(d->disable_seccomp);
}

TEST(ParseOptions, Refusals) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{}, "--app=NAME is required"},
      {{"--app="}, "--app=NAME is required"},
      {{"--app=a", "extra"}, "unknown argument \"extra\""},
      {{"--app=a", "--event=start"}, "unknown event \"start\" (want pre-start or post-stop)"},
      {{"--app=a", "--seccomp"}, "unknown argument \"--seccomp\""},
      {{"--app=a", "--", "/bin/sh"}, "a command is accepted with --enter only"},
      {{"--app=a", "--enter", "--event=pre-start"}, "--enter and --event exclude each other"},
      {{"--app=a", "--enter", "/bin/sh"}, "unknown argument \"/bin/sh\""},
      {{"--app=a", "--root-ready-fd=3"}, "--root-ready-fd: \"3\" is not a descriptor above 3"},
      {{"--app=a", "--root-ready-fd="}, "--root-ready-fd: \"\" is not a descriptor above 3"},
      {{"--app=a", "--root-ready-fd=4x"}, "--root-ready-fd: \"4x\" is not a descriptor above 3"},
      {{"--app=a", "--root-ready-fd=4", "--event=post-stop"},
       "--root-ready-fd goes with neither --enter nor --event"},
      {{"--app=a", "--root-ready-fd=4", "--enter"},
       "--root-ready-fd goes with neither --enter nor --event"},
  };
  for (const auto& c : cases) {
    auto o = parse_options(c.args);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().text(), c.message);
  }
  EXPECT_FALSE(parse_options({"--app=Bad Name"}));
}

TEST(ParseOptions, EnterTakesTheCommandAfterTheDashes) {
  auto o =
      parse_options({"--app=web", "--disable-seccomp", "--enter", "--", "ls", "--app=x", "--"});
  ASSERT_TRUE(o) << o.error().text();
  EXPECT_TRUE(o->enter);
  EXPECT_TRUE(o->disable_seccomp);
  EXPECT_EQ(o->app, "web");
  EXPECT_EQ(o->command, (std::vector<std::string>{"ls", "--app=x", "--"}));
  auto shell = parse_options({"--app=web", "--enter", "--"});
  ASSERT_TRUE(shell);
  EXPECT_TRUE(shell->command.empty());
  auto bare = parse_options({"--app=web", "--enter"});
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->enter);
  EXPECT_FALSE(parse_options({"--app=web"})->enter);
}

TEST(ParseOptions, RootReadyFd) {
  auto o = parse_options({"--app=web", "--root-ready-fd=4"});
  ASSERT_TRUE(o) << o.error().text();
  EXPECT_EQ(o->root_ready_fd, 4);
  EXPECT_EQ(parse_options({"--app=web"})->root_ready_fd, std::nullopt);
}

}  // namespace
}  // namespace stage2
