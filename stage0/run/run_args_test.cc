// The words after `rkt run`'s pod flags: images, per-image flags, `-- args ---` (golden cases).
#include "stage0/run/run_args.h"

#include <gtest/gtest.h>

#include "stage0/test_support.h"

namespace stage0::run {
namespace {

using testing_support::case_name;
using Words = std::vector<std::string>;

// The command's flag set as the driver builds it: a few pod and global flags plus the app flags.
FlagValues pod_values() {
  FlagSet f;
  f.add_bool("debug", false, "global");
  f.add_string("volume", "", "pod");
  f.add_bool("interactive", false, "pod");
  f.add_optional_value("net", "default", "default", "pod");
  add_app_flags(f);
  return FlagValues(f);
}

struct Golden {
  std::string name;
  Words words;
  std::vector<AppArgs> want;
};
void PrintTo(const Golden& c, std::ostream* os) { *os << c.name; }

class ParseAppWordsTest : public ::testing::TestWithParam<Golden> {};

TEST_P(ParseAppWordsTest, Golden) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(GetParam().words, pod, true);
  ASSERT_TRUE(apps) << apps.error().text();
  ASSERT_EQ(apps->size(), GetParam().want.size());
  for (size_t i = 0; i < apps->size(); ++i) {
    EXPECT_EQ((*apps)[i], GetParam().want[i]) << "app " << i;
  }
}

AppArgs image(std::string name) { return AppArgs{.image = std::move(name)}; }
AppArgs with_args(std::string name, Words args) {
  AppArgs a{.image = std::move(name)};
  a.args = std::move(args);
  a.has_args = true;
  return a;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseAppWordsTest,
    ::testing::Values(
        Golden{"OneImage", {"a.aci"}, {image("a.aci")}},
        Golden{"TwoImages", {"a.aci", "b.aci"}, {image("a.aci"), image("b.aci")}},
        Golden{"ArgsToTheEnd",
               {"a.aci", "--", "-c", "exit 3"},
               {with_args("a.aci", {"-c", "exit 3"})}},
        Golden{"ArgsEndedByTripleDash",
               {"a.aci", "--", "x", "---", "b.aci"},
               {with_args("a.aci", {"x"}), image("b.aci")}},
        Golden{"ArgsMayLookLikeFlagsAndImages",
               {"a.aci", "--", "--exec=/x", "b.aci", "--", "---"},
               {with_args("a.aci", {"--exec=/x", "b.aci", "--"})}},
        Golden{"EmptyArgs", {"a.aci", "--", "---"}, {with_args("a.aci", {})}},
        Golden{"ExecSeparateValue",
               {"a.aci", "--exec", "/bin/sh", "b.aci"},
               {AppArgs{.image = "a.aci", .exec = "/bin/sh"}, image("b.aci")}},
        Golden{"ExecEquals",
               {"a.aci", "--exec=/bin/sh"},
               {AppArgs{.image = "a.aci", .exec = "/bin/sh"}}},
        Golden{"EmptyValue", {"a.aci", "--working-dir="}, {image("a.aci")}},
        Golden{"PerAppFlagsBindToThePrecedingImage",
               {"a.aci", "--name=one", "b.aci", "--name", "two", "--user=1", "--group=2"},
               {AppArgs{.image = "a.aci", .name = "one"},
                AppArgs{.image = "b.aci", .name = "two", .user = "1", .group = "2"}}},
        Golden{"EnvironmentInOrder",
               {"a.aci", "--environment=A=1", "--environment", "B==2", "--environment=A=3"},
               {AppArgs{.image = "a.aci", .environment = {{"A", "1"}, {"B", "=2"}, {"A", "3"}}}}},
        Golden{"ReadonlyRootfsBoolean",
               {"a.aci", "--readonly-rootfs", "b.aci", "--readonly-rootfs=false"},
               {AppArgs{.image = "a.aci", .readonly_rootfs = true},
                AppArgs{.image = "b.aci", .readonly_rootfs = false}}},
        Golden{"MountsAnnotationsLabels",
               {"a.aci", "--mount", "volume=v,target=/v", "--user-annotation=k=v",
                "--user-label=l=w", "--annotation=x.y/z=1"},
               {AppArgs{.image = "a.aci",
                        .mounts = {"volume=v,target=/v"},
                        .user_annotations = {"k=v"},
                        .user_labels = {"l=w"},
                        .annotations = {"x.y/z=1"}}}},
        Golden{"SignatureAndGids",
               {"a.aci", "--signature=a.asc", "--supplementary-gids=1,2"},
               {AppArgs{.image = "a.aci", .supplementary_gids = "1,2", .signature = "a.asc"}}},
        Golden{"ExecThenArgs",
               {"a.aci", "--exec=/bin/echo", "--", "hi", "---", "b.aci", "--exec", "/x"},
               [] {
                 AppArgs a = with_args("a.aci", {"hi"});
                 a.exec = "/bin/echo";
                 return std::vector<AppArgs>{a, AppArgs{.image = "b.aci", .exec = "/x"}};
               }()}),
    case_name<Golden>);

TEST(ParseAppWords, PodAndGlobalFlagsAfterAnImageGoToThePod) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(
      Words{"a.aci", "--volume=v,kind=empty", "--interactive", "--debug=false", "--net"}, pod,
      true);
  ASSERT_TRUE(apps) << apps.error().text();
  EXPECT_EQ(apps->size(), 1u);
  EXPECT_EQ(pod.get_all("volume"), Words{"v,kind=empty"});
  EXPECT_TRUE(pod.get_bool("interactive"));
  EXPECT_TRUE(pod.is_set("debug"));
  EXPECT_FALSE(pod.get_bool("debug"));
  EXPECT_EQ(pod.get_string("net"), "default");
}

struct Bad {
  std::string name;
  Words words;
  std::string error;  // a part of the message
};
void PrintTo(const Bad& c, std::ostream* os) { *os << c.name; }

class ParseAppWordsErrorTest : public ::testing::TestWithParam<Bad> {};

TEST_P(ParseAppWordsErrorTest, Refused) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(GetParam().words, pod, true);
  ASSERT_FALSE(apps);
  EXPECT_NE(apps.error().text().find(GetParam().error), std::string::npos) << apps.error().text();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseAppWordsErrorTest,
    ::testing::Values(
        Bad{"UnknownFlag", {"a.aci", "--caps-keep=CAP_CHOWN"}, "unknown flag: --caps-keep"},
        Bad{"MemoryTwice", {"a.aci", "--memory=1G", "--memory=2G"}, "--memory given twice"},
        Bad{"CpuSharesTwice",
            {"a.aci", "--cpu-shares=2", "--cpu-shares", "3"},
            "--cpu-shares given twice"},
        Bad{"SingleDashFlag", {"a.aci", "-exec"}, "unknown flag: -exec"},
        Bad{"MissingValue", {"a.aci", "--exec"}, "flag needs an argument: --exec"},
        Bad{"ArgsBeforeImage", {"--", "x"}, "an image is required before any app arguments"},
        Bad{"TwoArgLists", {"a.aci", "--", "x", "---", "--", "y"}, "only one set of app arguments"},
        Bad{"StrayTripleDash", {"a.aci", "---"}, "\"---\" without a \"--\""},
        Bad{"ExecTwice", {"a.aci", "--exec=/a", "--exec=/b"}, "--exec given twice"},
        Bad{"NameTwice", {"a.aci", "--name=a", "--name=b"}, "--name given twice"},
        Bad{"SignatureTwice",
            {"a.aci", "--signature=a", "--signature=b"},
            "--signature given twice"},
        Bad{"EnvironmentWithoutEquals", {"a.aci", "--environment=A"}, "must be NAME=VALUE"},
        Bad{"BadBoolean", {"a.aci", "--readonly-rootfs=yes"}, "not a boolean"}),
    case_name<Bad>);

TEST(ParseAppWords, IsolatorFlagsBelongToTheirImage) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(Words{"a.aci", "--memory=64M", "--cpu", "500m", "b.aci",
                                    "--cpu-shares=512", "--oom-score-adj", "-500"},
                              pod, true);
  ASSERT_TRUE(apps) << apps.error().text();
  ASSERT_EQ(apps->size(), 2u);
  EXPECT_EQ((*apps)[0].memory, "64M");
  EXPECT_EQ((*apps)[0].cpu, "500m");
  EXPECT_EQ((*apps)[0].cpu_shares, "");
  EXPECT_EQ((*apps)[1].cpu_shares, "512");
  EXPECT_EQ((*apps)[1].oom_score_adj, "-500");  // a negative value is a value, not a flag
}

// rkt's old spellings of the capability flags fill the same fields (the warning goes to stderr).
TEST(ParseAppWords, DeprecatedCapFlagsAreAliases) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(
      Words{"a.aci", "--cap-retain=CAP_CHOWN", "b.aci", "--cap-remove", "NET_RAW"}, pod, true);
  ASSERT_TRUE(apps) << apps.error().text();
  ASSERT_EQ(apps->size(), 2u);
  EXPECT_EQ((*apps)[0].caps_retain, "CAP_CHOWN");
  EXPECT_EQ((*apps)[1].caps_remove, "NET_RAW");
  auto twice = parse_app_words(Words{"a.aci", "--caps-retain=CAP_CHOWN", "--cap-retain=CAP_KILL"},
                               pod, true);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().text(), "--caps-retain given twice for image a.aci");
}

TEST(ParseAppWords, AppArgsRefusedWhenNotAllowed) {
  FlagValues pod = pod_values();
  auto apps = parse_app_words(Words{"a.aci", "--", "x"}, pod, false);
  ASSERT_FALSE(apps);
}

TEST(PositionSensitive, OnlyMountAndAnnotations) {
  EXPECT_TRUE(is_position_sensitive("mount"));
  EXPECT_TRUE(is_position_sensitive("annotation"));
  EXPECT_TRUE(is_position_sensitive("user-annotation"));
  EXPECT_TRUE(is_position_sensitive("user-label"));
  EXPECT_FALSE(is_position_sensitive("exec"));
  EXPECT_FALSE(is_position_sensitive("name"));
}

}  // namespace
}  // namespace stage0::run
