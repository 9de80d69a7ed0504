// Environment precedence and rkt's --set-env/--set-env-file syntax.
#include "stage0/run/app_env.h"

#include <gtest/gtest.h>

namespace stage0::run {
namespace {

appc::Environment env(std::vector<std::pair<std::string, std::string>> kv) {
  appc::Environment out;
  for (auto& [k, v] : kv) out.push_back(appc::EnvironmentVariable{k, v});
  return out;
}

TEST(MergeEnvironment, PrecedenceInheritedImageFileSetEnvApp) {
  PodEnv pod;
  pod.inherited = {{"ALL", "inherited"}, {"HOME", "/root"}, {"IMG", "inherited"}};
  pod.from_file = {{"ALL", "file"}, {"FILE", "file"}, {"SET", "file"}};
  pod.explicit_ = {{"ALL", "set"}, {"SET", "set"}};
  const appc::Environment image = env({{"ALL", "image"}, {"IMG", "image"}, {"FILE", "image"}});
  const KeyValues app = {{"ALL", "app"}, {"APP", "app"}};
  EXPECT_EQ(merge_environment(pod, image, app), env({{"ALL", "app"},
                                                     {"HOME", "/root"},
                                                     {"IMG", "image"},
                                                     {"FILE", "file"},
                                                     {"SET", "set"},
                                                     {"APP", "app"}}));
}

TEST(MergeEnvironment, TheLastRepeatOfAnAppVariableWins) {
  EXPECT_EQ(merge_environment({}, {}, {{"A", "1"}, {"A", "2"}}), env({{"A", "2"}}));
}

TEST(MergeEnvironment, ImageOnly) {
  EXPECT_EQ(merge_environment({}, env({{"PATH", "/bin"}}), {}), env({{"PATH", "/bin"}}));
}

TEST(ParseEnvFile, SkipsBlankAndCommentLines) {
  auto kv = parse_env_file("# comment\n\n; also\nA=1\r\nB=x=y\nC=\n", "f");
  ASSERT_TRUE(kv) << kv.error().text();
  EXPECT_EQ(*kv, (KeyValues{{"A", "1"}, {"B", "x=y"}, {"C", ""}}));
}

TEST(ParseEnvFile, MalformedLineNamed) {
  auto kv = parse_env_file("A=1\nnonsense\n", "/etc/env");
  ASSERT_FALSE(kv);
  EXPECT_NE(kv.error().text().find("/etc/env:2"), std::string::npos) << kv.error().text();
}

TEST(ParseEnvFile, EmptyNameRefused) { EXPECT_FALSE(parse_env_file("=1\n", "f")); }

TEST(ParseEnvFile, RepeatRefused) {
  auto kv = parse_env_file("A=1\nA=2\n", "f");
  ASSERT_FALSE(kv);
  EXPECT_NE(kv.error().text().find("already set"), std::string::npos);
}

TEST(ParseSetEnv, PairsAndRepeats) {
  auto kv = parse_set_env({"A=1", "B="});
  ASSERT_TRUE(kv);
  EXPECT_EQ(*kv, (KeyValues{{"A", "1"}, {"B", ""}}));
  EXPECT_FALSE(parse_set_env({"A=1", "A=2"}));
  EXPECT_FALSE(parse_set_env({"A"}));
}

}  // namespace
}  // namespace stage0::run
