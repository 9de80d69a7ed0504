// The global flags: --insecure-options as rkt's secflags.go read it, rkt's absDir path handling,
// and the GlobalConfig built from parsed flags.
#include "stage0/global_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stage0/command_line.h"
#include "stage0/insecure_options.h"
#include "stage0/test_support.h"

namespace stage0 {
namespace {

using IO = InsecureOptions;
using testing_support::case_name;

struct InsecureCase {
  std::string name;
  std::string list;
  uint32_t bits;
  std::string error;  // empty: valid; otherwise a piece of the error
};
void PrintTo(const InsecureCase& c, std::ostream* os) { *os << c.name; }

class InsecureOptionsTest : public ::testing::TestWithParam<InsecureCase> {};

TEST_P(InsecureOptionsTest, Parse) {
  const InsecureCase& c = GetParam();
  auto r = InsecureOptions::parse(c.list);
  if (c.error.empty()) {
    ASSERT_TRUE(r) << r.error().text();
    EXPECT_EQ(r->bits(), c.bits);
  } else {
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().text().find(c.error), std::string::npos) << r.error().text();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Lists, InsecureOptionsTest,
    ::testing::Values(
        InsecureCase{"Empty", "", 0, ""}, InsecureCase{"None", "none", 0, ""},
        InsecureCase{"Image", "image", IO::kImage, ""},
        // rkt lower-cases the list.
        InsecureCase{"MixedCase", "IMAGE,Tls", IO::kImage | IO::kTls, ""},
        InsecureCase{"OnDisk", "ondisk", IO::kOnDisk, ""},
        InsecureCase{"HttpPubkey", "http,pubkey", IO::kHttp | IO::kPubKey, ""},
        InsecureCase{"RunChecks", "capabilities,paths,seccomp",
                     IO::kCapabilities | IO::kPaths | IO::kSeccomp, ""},
        // rkt's code, against its docs: all-fetch has pubkey, all-run has ondisk.
        InsecureCase{"AllFetch", "all-fetch", IO::kImage | IO::kTls | IO::kHttp | IO::kPubKey, ""},
        InsecureCase{"AllRun", "all-run",
                     IO::kOnDisk | IO::kCapabilities | IO::kPaths | IO::kSeccomp, ""},
        InsecureCase{"All", "all", IO::kAll, ""},
        InsecureCase{"NoneAndImage", "none,image", IO::kImage, ""},
        // Overlapping names are fine; only a repeated name is refused.
        InsecureCase{"GroupAndMember", "all-fetch,image", IO::kAllFetch, ""},
        InsecureCase{"Unknown", "bogus", 0, "unknown option \"bogus\""},
        InsecureCase{"UnknownAfterValid", "image,bogus", 0, "unknown option \"bogus\""},
        InsecureCase{"TrailingComma", "image,", 0, "unknown option \"\""},
        InsecureCase{"OnlyComma", ",", 0, "unknown option \"\""},
        InsecureCase{"Repeated", "image,image", 0, "duplicated option \"image\""},
        InsecureCase{"RepeatedOtherCase", "image,IMAGE", 0, "duplicated option \"image\""},
        // rkt 1.30 has no "run" (its changelog's "run-all" became "all-run").
        InsecureCase{"Run", "run", 0, "unknown option \"run\""}),
    case_name<InsecureCase>);

TEST(InsecureOptions, Str) {
  EXPECT_EQ(InsecureOptions().str(), "none");
  EXPECT_EQ(InsecureOptions::parse("tls,image")->str(), "image,tls");
  EXPECT_EQ(InsecureOptions::parse("all")->str(),
            "image,tls,ondisk,http,pubkey,capabilities,paths,seccomp");
  EXPECT_TRUE(InsecureOptions::parse("all-run")->has(IO::kSeccomp));
  EXPECT_FALSE(InsecureOptions::parse("all-run")->has(IO::kImage));
}

struct DirCase {
  std::string name;
  std::string value, cwd, want;
};
void PrintTo(const DirCase& c, std::ostream* os) { *os << c.name; }

class MakeAbsoluteDirTest : public ::testing::TestWithParam<DirCase> {};

TEST_P(MakeAbsoluteDirTest, Make) {
  auto r = make_absolute_dir(GetParam().value, GetParam().cwd);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(*r, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Paths, MakeAbsoluteDirTest,
    ::testing::Values(DirCase{"Absolute", "/var/lib/rkt", "/w", "/var/lib/rkt"},
                      DirCase{"Cleaned", "/a//b/./c/../d/", "/w", "/a/b/d"},
                      DirCase{"Relative", "rel", "/w", "/w/rel"},
                      DirCase{"DotRelative", "./rel/", "/w/x", "/w/x/rel"},
                      DirCase{"ClimbToRoot", "../..", "/w", "/"},
                      DirCase{"AboveRoot", "/..", "/w", "/"}, DirCase{"Dot", ".", "/w", "/w"},
                      DirCase{"Root", "/", "/w", "/"}),
    case_name<DirCase>);

TEST(MakeAbsoluteDir, EmptyIsRefused) {
  auto empty = make_absolute_dir("", "/w");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().text(), "\"\" is not a valid directory");
}

oslayer::Result<GlobalConfig> config_from(std::vector<std::string> args) {
  FlagSet g;
  add_global_flags(g);
  auto line = parse_flags(args, g);
  if (!line) return std::move(line).error();
  return make_global_config(line->flags);
}

TEST(MakeGlobalConfig, Defaults) {
  auto c = config_from({});
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->dir, "/var/lib/rkt");
  EXPECT_FALSE(c->dir_from_flag);
  EXPECT_EQ(c->local_config, "/etc/rkt");
  EXPECT_EQ(c->system_config, "/usr/lib/rkt");
  EXPECT_EQ(c->user_config, "");
  EXPECT_FALSE(c->insecure.any());
  EXPECT_FALSE(c->debug);
  EXPECT_FALSE(c->trust_keys_from_https);
  EXPECT_FALSE(c->help);
}

TEST(MakeGlobalConfig, AllFlags) {
  auto c =
      config_from({"--dir=/d//x/", "--local-config", "/l", "--system-config=/s", "--user-config=/u",
                   "--insecure-options=image,http", "--debug", "--trust-keys-from-https=true"});
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->dir, "/d/x");
  EXPECT_TRUE(c->dir_from_flag);
  EXPECT_EQ(c->local_config, "/l");
  EXPECT_EQ(c->system_config, "/s");
  EXPECT_EQ(c->user_config, "/u");
  EXPECT_EQ(c->insecure.bits(), IO::kImage | IO::kHttp);
  EXPECT_TRUE(c->debug);
  EXPECT_TRUE(c->trust_keys_from_https);
}

TEST(MakeGlobalConfig, RelativeDirIsMadeAbsolute) {
  auto c = config_from({"--dir=some/where"});
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->dir.front(), '/');
  EXPECT_TRUE(c->dir.ends_with("/some/where")) << c->dir;
}

struct ConfigErrorCase {
  std::string name;
  std::vector<std::string> args;
  std::string want;  // how the error starts
};
void PrintTo(const ConfigErrorCase& c, std::ostream* os) { *os << c.name; }

class MakeGlobalConfigErrorTest : public ::testing::TestWithParam<ConfigErrorCase> {};

TEST_P(MakeGlobalConfigErrorTest, Refused) {
  auto r = config_from(GetParam().args);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().text().starts_with(GetParam().want)) << r.error().text();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, MakeGlobalConfigErrorTest,
    ::testing::Values(
        ConfigErrorCase{"InsecureOptions",
                        {"--insecure-options=bogus"},
                        "invalid argument \"bogus\" for \"--insecure-options\" flag: unknown "
                        "option \"bogus\""},
        // rkt's absDir refuses "" when it is given, though it is the default of --user-config.
        ConfigErrorCase{"EmptyUserConfig",
                        {"--user-config="},
                        "invalid argument \"\" for \"--user-config\" flag: \"\" is not a valid "
                        "directory"},
        ConfigErrorCase{"EmptyDir",
                        {"--dir", ""},
                        "invalid argument \"\" for \"--dir\" flag: \"\" is not a valid directory"}),
    case_name<ConfigErrorCase>);

}  // namespace
}  // namespace stage0
