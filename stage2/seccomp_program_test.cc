#include "stage2/seccomp_program.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include "stage2/capability_plan.h"
#include "stage2/seccomp_policy.h"

namespace stage2 {
namespace {

appc::Isolator remove_set(std::vector<std::string> s) {
  return {*appc::AcIdentifier::parse("os/linux/seccomp-remove-set"),
          appc::SeccompRemoveSet{std::move(s), ""}};
}

appc::Isolator retain_set(std::vector<std::string> s) {
  return {*appc::AcIdentifier::parse("os/linux/seccomp-retain-set"),
          appc::SeccompRetainSet{std::move(s), ""}};
}

appc::Isolator no_new_privileges() {
  return {*appc::AcIdentifier::parse("os/linux/no-new-privileges"), appc::NoNewPrivileges{true}};
}

std::string built_now(const std::vector<appc::Isolator>& isolators, oslayer::CapSet bounding) {
  auto policy = policy_for(isolators, bounding);
  EXPECT_TRUE(policy) << policy.error().text();
  auto filter = build_filter(*policy);
  EXPECT_TRUE(filter) << filter.error().text();
  auto bpf = filter->export_bpf();
  EXPECT_TRUE(bpf) << bpf.error().text();
  return bpf ? *bpf : "";
}

// The compiled-in program must be, byte for byte, what libseccomp builds today for the same
// policy: a change to the default list, or to how filters are built, that did not rebuild it
// fails here.
TEST(SeccompProgram, ThePrebuiltProgramIsTheDefaultPolicyBuiltNow) {
  auto prebuilt = prebuilt_seccomp_program({}, default_capabilities());
  ASSERT_TRUE(prebuilt);
  EXPECT_EQ(std::string(*prebuilt), built_now({}, default_capabilities()));
  // Isolators other than seccomp ones do not change the policy.
  EXPECT_TRUE(prebuilt_seccomp_program({no_new_privileges()}, default_capabilities()));
}

TEST(SeccompProgram, AnyOtherPolicyIsBuiltNow) {
  EXPECT_FALSE(
      prebuilt_seccomp_program({remove_set({"@rkt/default-blacklist"})}, default_capabilities()));
  EXPECT_FALSE(
      prebuilt_seccomp_program({retain_set({"@rkt/default-whitelist"})}, default_capabilities()));
  const auto wider = default_capabilities() | oslayer::CapSet::of({CAP_SYS_ADMIN});
  EXPECT_FALSE(prebuilt_seccomp_program({}, wider));

  auto remove = seccomp_program({remove_set({"getcwd"})}, default_capabilities());
  ASSERT_TRUE(remove) << remove.error().text();
  EXPECT_EQ(*remove, built_now({remove_set({"getcwd"})}, default_capabilities()));
  // CAP_SYS_ADMIN keeps mount and friends allowed: a different program.
  auto admin = seccomp_program({}, wider);
  ASSERT_TRUE(admin) << admin.error().text();
  EXPECT_EQ(*admin, built_now({}, wider));
  EXPECT_NE(*admin, *seccomp_program({}, default_capabilities()));
}

TEST(SeccompProgram, OnlyAnAppWithoutASeccompSetUsesTheDefaultPolicy) {
  EXPECT_TRUE(uses_default_policy({}));
  EXPECT_TRUE(uses_default_policy({no_new_privileges()}));
  EXPECT_FALSE(uses_default_policy({remove_set({"getcwd"})}));
  EXPECT_FALSE(uses_default_policy({retain_set({"@rkt/default-whitelist"})}));
}

// stage2 loads the default program before it waits for its root (main.cc), and then still
// makes these calls itself; the denylist must leave every one alone, whatever the bounding set.
TEST(SeccompProgram, TheDefaultPolicyDeniesNoCallStage2MakesAfterLoadingIt) {
  const char* used[] = {"recvfrom",   "recvmsg", "close",  "close_range", "chdir",     "dup2",
                        "dup3",       "openat",  "open",   "read",        "pread64",   "fstat",
                        "newfstatat", "statx",   "lseek",  "write",       "setgroups", "setresgid",
                        "setresuid",  "capget",  "capset", "prctl",       "execve",    "exit_group",
                        "mmap",       "munmap",  "brk",    "getuid",      "getgid"};
  for (oslayer::CapSet bounding : {default_capabilities(), oslayer::CapSet::of({CAP_KILL})}) {
    for (const auto& rule : default_policy(bounding).rules) {
      for (const char* name : used) EXPECT_NE(rule.syscall, name) << "denied: " << name;
    }
  }
}

}  // namespace
}  // namespace stage2
