#include "stage2/environment.h"

#include <gtest/gtest.h>

namespace stage2 {
namespace {

using V = std::vector<std::string>;

TEST(BuildEnvironment, DefaultsPathAndSetsTheAppName) {
  auto env = build_environment("web", {});
  ASSERT_TRUE(env);
  EXPECT_EQ(*env, (V{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "AC_APP_NAME=web"}));
}

TEST(BuildEnvironment, TheAppsPathWinsButNotItsAppName) {
  auto env = build_environment(
      "web", {{"FOO", "bar"}, {"PATH", "/opt/bin"}, {"AC_APP_NAME", "evil"}, {"EMPTY", ""}});
  ASSERT_TRUE(env);
  EXPECT_EQ(*env, (V{"FOO=bar", "PATH=/opt/bin", "EMPTY=", "AC_APP_NAME=web"}));
  EXPECT_EQ(find_variable(*env, "PATH"), "/opt/bin");
  EXPECT_EQ(find_variable(*env, "EMPTY"), "");
  EXPECT_EQ(find_variable(*env, "PAT"), std::nullopt);
}

TEST(BuildEnvironment, ValuesAreLiteral) {
  auto env = build_environment("a", {{"X", "a=b\nY=c $HOME"}});
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)[0], "X=a=b\nY=c $HOME");
}

TEST(BuildEnvironment, RefusesNul) {
  auto env = build_environment("a", {{"X", std::string("a\0b", 3)}});
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().text(), "environment variable \"X\" contains a NUL byte");
}

}  // namespace
}  // namespace stage2
