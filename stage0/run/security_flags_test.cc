// The security flags: capability names as rkt accepted them, the --seccomp syntax, unknown names
// and groups refused with the flag named, the command line replacing the image's isolators, and
// the notices for --insecure-options.
#include "stage0/run/security_flags.h"

#include <gtest/gtest.h>

#include "stage0/run/isolator_flags.h"

namespace stage0::run {
namespace {

TEST(CapsFlag, NamesWithAndWithoutPrefixInAnyCase) {
  auto r = parse_caps_flag("caps-retain", "CAP_NET_ADMIN,net_raw,Sys_Chroot,cap_chown");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->name.str(), "os/linux/capabilities-retain-set");
  const auto& set = std::get<appc::CapabilitiesRetainSet>(r->value).set;
  EXPECT_EQ(set, (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_CHROOT",
                                           "CAP_CHOWN"}));
  auto x = parse_caps_flag("caps-remove", "MKNOD");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->name.str(), "os/linux/capabilities-remove-set");
  EXPECT_EQ(std::get<appc::CapabilitiesRemoveSet>(x->value).set,
            std::vector<std::string>{"CAP_MKNOD"});
}

TEST(CapsFlag, BadNamesAreNamed) {
  struct Case {
    const char* value;
    const char* error;
  } cases[] = {
      {"CAP_PONIES", "--caps-retain \"CAP_PONIES\": unknown capability \"CAP_PONIES\""},
      {"NET_ADMIN,PONIES", "--caps-retain \"NET_ADMIN,PONIES\": unknown capability \"PONIES\""},
      {"12", "--caps-retain \"12\": unknown capability \"12\""},
      {"", "--caps-retain \"\": an empty capability name"},
      {"CHOWN,", "--caps-retain \"CHOWN,\": an empty capability name"},
  };
  for (const auto& c : cases) {
    auto r = parse_caps_flag("caps-retain", c.value);
    ASSERT_FALSE(r) << c.value;
    EXPECT_EQ(r.error().text(), c.error);
  }
}

TEST(SeccompFlag, ModesErrnoAndNames) {
  auto r = parse_seccomp_flag("mode=retain,errno=EPERM,read,write,@rkt/default-whitelist");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->name.str(), "os/linux/seccomp-retain-set");
  const auto& retain = std::get<appc::SeccompRetainSet>(r->value);
  EXPECT_EQ(retain.set, (std::vector<std::string>{"read", "write", "@rkt/default-whitelist"}));
  EXPECT_EQ(retain.errno_name, "EPERM");
  auto x = parse_seccomp_flag("mode=remove,uname,@docker/default-blacklist");
  ASSERT_TRUE(x) << x.error().text();
  EXPECT_EQ(x->name.str(), "os/linux/seccomp-remove-set");
  EXPECT_EQ(std::get<appc::SeccompRemoveSet>(x->value).errno_name, "");
  // mode= need not come first.
  EXPECT_TRUE(parse_seccomp_flag("uname,errno=ENOSYS,mode=remove"));
}

TEST(SeccompFlag, BadValuesAreNamed) {
  struct Case {
    const char* value;
    const char* error;  // after `--seccomp "VALUE": `
  } cases[] = {
      {"uname", "mode=retain or mode=remove is required"},
      {"mode=both,uname", "mode must be retain or remove, not \"both\""},
      {"mode=remove,mode=retain,uname", "mode= given twice"},
      {"mode=remove", "no system call or @group named"},
      {"mode=remove,errno=,uname", "errno= needs a name"},
      {"mode=remove,errno=EPONY,uname", "unknown errno name \"EPONY\""},
      {"mode=remove,errno=EPERM,errno=EPERM,uname", "errno= given twice"},
      {"mode=remove,uname,,read", "an empty entry"},
      {"mode=remove,nosuchcall", "unknown system call \"nosuchcall\""},
      {"mode=retain,@rkt/nothing", "unknown seccomp group \"@rkt/nothing\""},
      {"mode=retain,@docker/default-blacklist", "is a denylist: use it with mode=remove"},
      {"mode=remove,@rkt/default-whitelist", "is an allowlist: use it with mode=retain"},
      {"mode=remove,level=3,uname", "unknown option \"level=3\""},
  };
  for (const auto& c : cases) {
    auto r = parse_seccomp_flag(c.value);
    ASSERT_FALSE(r) << c.value;
    const std::string prefix = std::string("--seccomp \"") + c.value + "\": ";
    EXPECT_EQ(r.error().text().substr(0, prefix.size()), prefix) << r.error().text();
    EXPECT_NE(r.error().text().find(c.error), std::string::npos) << r.error().text();
  }
}

TEST(SecurityFlags, RetainAndRemoveTogetherAreRefused) {
  auto r = security_isolators_from_flags(
      {.image = "example.com/probe", .caps_retain = "CHOWN", .caps_remove = "MKNOD"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(),
            "--caps-retain and --caps-remove cannot be used together (image example.com/probe)");
}

TEST(SecurityFlags, ReachTheIsolatorsAndReplaceTheImages) {
  auto flags = isolators_from_flags({.caps_remove = "NET_RAW", .seccomp = "mode=remove,uname"});
  ASSERT_TRUE(flags) << flags.error().text();
  ASSERT_EQ(flags->size(), 2u);
  std::vector<appc::Isolator> image = {
      *appc::make_isolator("os/linux/capabilities-retain-set", R"({"set":["CAP_SYS_ADMIN"]})"),
      *appc::make_isolator("os/linux/seccomp-retain-set", R"({"set":["@appc.io/all"]})"),
      *appc::make_isolator("os/linux/no-new-privileges", "true")};
  override_isolators(image, std::move(*flags));
  ASSERT_EQ(image.size(), 3u);
  EXPECT_EQ(image[0].name.str(), "os/linux/no-new-privileges");
  EXPECT_EQ(image[1].name.str(), "os/linux/capabilities-remove-set");
  EXPECT_EQ(image[2].name.str(), "os/linux/seccomp-remove-set");
}

TEST(CheckSecurityIsolators, ManifestNamesAreCheckedToo) {
  auto good = appc::make_isolator("os/linux/seccomp-remove-set",
                                  R"({"set":["uname","@rkt/default-blacklist"],"errno":"EPERM"})");
  ASSERT_TRUE(good);
  EXPECT_TRUE(check_security_isolators({*good}));
  auto call = appc::make_isolator("os/linux/seccomp-retain-set", R"({"set":["read","rea"]})");
  ASSERT_TRUE(call);
  auto st = check_security_isolators({*call});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().text(), "isolator os/linux/seccomp-retain-set: unknown system call \"rea\"");
  auto err =
      appc::make_isolator("os/linux/seccomp-remove-set", R"({"set":["uname"],"errno":"ENOPONY"})");
  ASSERT_TRUE(err);  // the right shape for the appc library; not an errno of this system
  EXPECT_FALSE(check_security_isolators({*err}));
}

TEST(InsecureOverrides, NameTheAppAndTheIsolator) {
  auto decoded = appc::decode_pod_manifest(R"({"acKind":"PodManifest","acVersion":"0.8.11",
    "apps":[{"name":"web","image":{"id":"sha512-aaaa"},
             "app":{"exec":["/probe"],"user":"0","group":"0","isolators":[
               {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_CHOWN"]}},
               {"name":"os/linux/seccomp-remove-set","value":{"set":["uname"]}}]}}]})");
  ASSERT_TRUE(decoded) << decoded.error().text();
  const appc::PodManifest& pm = *decoded;
  EXPECT_TRUE(insecure_overrides(pm, false, false).empty());
  auto both = insecure_overrides(pm, true, true);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0],
            "app web: isolator os/linux/capabilities-retain-set ignored: "
            "--insecure-options=capabilities lifts the capability restriction");
  EXPECT_EQ(both[1],
            "app web: isolator os/linux/seccomp-remove-set ignored: --insecure-options=seccomp "
            "loads no seccomp filter");
  EXPECT_EQ(insecure_overrides(pm, false, true).size(), 1u);
}

}  // namespace
}  // namespace stage0::run
