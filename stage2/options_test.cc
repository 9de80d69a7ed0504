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
  };
  for (const auto& c : cases) {
    auto o = parse_options(c.args);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().text(), c.message);
  }
  EXPECT_FALSE(parse_options({"--app=Bad Name"}));
}

}  // namespace
}  // namespace stage2
