#include "stage2/seccomp_policy.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "stage2/capability_plan.h"

namespace stage2 {
namespace {

using oslayer::CapSet;
using oslayer::SeccompAction;

bool denies(const SeccompPolicy& p, const std::string& call) {
  return std::any_of(p.rules.begin(), p.rules.end(),
                     [&](const SeccompRule& r) { return r.syscall == call && r.args.empty(); });
}

TEST(DefaultPolicy, DeniesWithEpermAndAllowsTheRest) {
  auto p = default_policy(default_capabilities());
  EXPECT_EQ(p.default_action, SeccompAction::allow());
  for (const char* call : {"keyctl",
                           "add_key",
                           "request_key",
                           "bpf",
                           "perf_event_open",
                           "userfaultfd",
                           "ptrace",
                           "mount",
                           "umount2",
                           "unshare",
                           "setns",
                           "pivot_root",
                           "kexec_load",
                           "init_module",
                           "finit_module",
                           "reboot",
                           "swapon",
                           "acct",
                           "settimeofday",
                           "clock_settime",
                           "iopl",
                           "open_by_handle_at",
                           "move_pages",
                           "kcmp",
                           "process_vm_readv",
                           "fsopen",
                           "mount_setattr",
                           "io_uring_setup",
                           "syslog"}) {
    EXPECT_TRUE(denies(p, call)) << call;
  }
  for (const auto& r : p.rules) {
    if (r.syscall == "clone3") {
      EXPECT_EQ(r.action, SeccompAction::fail_with(ENOSYS));
    } else {
      EXPECT_EQ(r.action, SeccompAction::fail_with(EPERM)) << r.syscall;
    }
  }
  EXPECT_FALSE(denies(p, "read"));
  EXPECT_EQ(std::count_if(p.rules.begin(), p.rules.end(),
                          [](const SeccompRule& r) { return r.syscall == "clone"; }),
            7);
}

TEST(DefaultPolicy, ACapabilityTheAppKeepsAllowsItsCalls) {
  auto p = default_policy(default_capabilities() | CapSet::of({CAP_SYS_ADMIN, CAP_SYS_PTRACE}));
  EXPECT_FALSE(denies(p, "mount"));
  EXPECT_FALSE(denies(p, "unshare"));
  EXPECT_FALSE(denies(p, "ptrace"));
  EXPECT_FALSE(std::any_of(p.rules.begin(), p.rules.end(),
                           [](const SeccompRule& r) { return r.syscall == "clone"; }));
  EXPECT_TRUE(denies(p, "keyctl"));
  EXPECT_TRUE(denies(p, "init_module"));
}

appc::Isolator remove_set(std::vector<std::string> s, std::string err) {
  return {*appc::AcIdentifier::parse("os/linux/seccomp-remove-set"),
          appc::SeccompRemoveSet{std::move(s), std::move(err)}};
}

TEST(PolicyFor, RemoveSetWithAndWithoutErrno) {
  auto p =
      policy_for({remove_set({"getcwd", "@appc.io/empty"}, "ENOTSUP")}, default_capabilities());
  ASSERT_TRUE(p) << p.error().text();
  ASSERT_EQ(p->rules.size(), 1U);
  EXPECT_EQ(p->rules[0].action, SeccompAction::fail_with(ENOTSUP));
  auto k = policy_for({remove_set({"@rkt/default-blacklist"}, "")}, default_capabilities());
  ASSERT_TRUE(k);
  EXPECT_TRUE(denies(*k, "keyctl"));
  EXPECT_EQ(k->rules[0].action, SeccompAction::kill_process());
}

TEST(PolicyFor, RefusesWhatItCannotEnforce) {
  auto bad_errno = policy_for({remove_set({"getcwd"}, "EPONY")}, {});
  ASSERT_FALSE(bad_errno);
  EXPECT_NE(bad_errno.error().text().find("EPONY"), std::string::npos);
  auto bad_group = policy_for({remove_set({"@docker/nothing"}, "")}, {});
  ASSERT_FALSE(bad_group);
  appc::Isolator retain{*appc::AcIdentifier::parse("os/linux/seccomp-retain-set"),
                        appc::SeccompRetainSet{{"@appc.io/all"}, ""}};
  auto r = policy_for({retain}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "isolator os/linux/seccomp-retain-set is not supported yet");
}

TEST(ParseErrnoName, KnowsPosixNames) {
  EXPECT_EQ(*parse_errno_name("EPERM"), EPERM);
  EXPECT_EQ(*parse_errno_name("ENOSYS"), ENOSYS);
  EXPECT_FALSE(parse_errno_name("eperm"));
  EXPECT_FALSE(parse_errno_name(""));
}

TEST(BuildFilter, TheDefaultPolicyBuildsAndExports) {
  auto f = build_filter(default_policy(default_capabilities()));
  ASSERT_TRUE(f) << f.error().text();
  auto bpf = f->export_bpf();
  ASSERT_TRUE(bpf);
  EXPECT_GT(bpf->size(), 100U * 8);
}

TEST(BuildFilter, UnknownCallInAnIsolatorFails) {
  auto p = policy_for({remove_set({"no_such_call"}, "EPERM")}, {});
  ASSERT_TRUE(p);
  auto f = build_filter(*p);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().text().find("no_such_call"), std::string::npos);
}

TEST(BuildFilter, LoadedDefaultFilterDeniesKeyctlAndNewUserNamespaces) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto f = build_filter(default_policy(default_capabilities()));
    if (!f || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !f->load()) ::_exit(1);
    if (::syscall(SYS_keyctl, 0, 0, 0) != -1 || errno != EPERM) ::_exit(2);
    if (::unshare(CLONE_NEWUSER) != -1 || errno != EPERM) ::_exit(3);
    if (::getpid() <= 0) ::_exit(4);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace stage2
