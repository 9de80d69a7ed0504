#include "stage2/seccomp_policy.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

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

appc::Isolator retain_set(std::vector<std::string> s, std::string err) {
  return {*appc::AcIdentifier::parse("os/linux/seccomp-retain-set"),
          appc::SeccompRetainSet{std::move(s), std::move(err)}};
}

const SeccompRule* rule_for(const SeccompPolicy& p, const std::string& call) {
  for (const auto& r : p.rules) {
    if (r.syscall == call) return &r;
  }
  return nullptr;
}

TEST(PolicyFor, RefusesWhatItCannotEnforce) {
  auto bad_errno = policy_for({remove_set({"getcwd"}, "EPONY")}, {});
  ASSERT_FALSE(bad_errno);
  EXPECT_NE(bad_errno.error().text().find("EPONY"), std::string::npos);
  auto bad_group = policy_for({remove_set({"@docker/nothing"}, "")}, {});
  ASSERT_FALSE(bad_group);
  EXPECT_NE(bad_group.error().text().find("@docker/nothing"), std::string::npos);
  auto bad_call = policy_for({retain_set({"read", "no_such_call"}, "")}, {});
  ASSERT_FALSE(bad_call);
  EXPECT_EQ(bad_call.error().text(),
            "isolator os/linux/seccomp-retain-set: unknown system call \"no_such_call\"");
  auto wrong_mode = policy_for({retain_set({"@rkt/default-blacklist"}, "")}, {});
  ASSERT_FALSE(wrong_mode);
  EXPECT_NE(wrong_mode.error().text().find("denylist"), std::string::npos);
  EXPECT_FALSE(policy_for({remove_set({"@rkt/default-whitelist"}, "")}, {}));
}

TEST(PolicyFor, RetainSetAllowsItsCallsAndTheLifecycleMinimum) {
  auto p = policy_for({retain_set({"getcwd", "write", "getcwd"}, "")}, default_capabilities());
  ASSERT_TRUE(p) << p.error().text();
  EXPECT_EQ(p->default_action, SeccompAction::kill_process());
  ASSERT_NE(rule_for(*p, "getcwd"), nullptr);
  EXPECT_EQ(rule_for(*p, "getcwd")->action, SeccompAction::allow());
  EXPECT_EQ(std::count_if(p->rules.begin(), p->rules.end(),
                          [](const SeccompRule& r) { return r.syscall == "getcwd"; }),
            1);
  for (const char* call :
       {"execve", "exit_group", "rt_sigreturn", "brk", "mmap", "rseq", "setresuid", "capset"}) {
    EXPECT_NE(rule_for(*p, call), nullptr) << call;
  }
  // Nothing else: not even uname.
  EXPECT_EQ(rule_for(*p, "uname"), nullptr);
  EXPECT_EQ(rule_for(*p, "keyctl"), nullptr);
  auto e = policy_for({retain_set({"@appc.io/empty"}, "EACCES")}, {});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->default_action, SeccompAction::fail_with(EACCES));
  EXPECT_EQ(rule_for(*e, "getcwd"), nullptr);
  EXPECT_NE(rule_for(*e, "exit_group"), nullptr);
}

TEST(PolicyFor, AppcAllMeansNoFilter) {
  auto p = policy_for({retain_set({"read", "@appc.io/all"}, "EPERM")}, {});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->default_action, SeccompAction::allow());
  EXPECT_TRUE(p->rules.empty());
}

TEST(PolicyFor, DefaultWhitelistFollowsTheBoundingSet) {
  for (const char* group : {"@rkt/default-whitelist", "@docker/default-whitelist"}) {
    auto p = policy_for({retain_set({group}, "EPERM")}, default_capabilities());
    ASSERT_TRUE(p) << p.error().text();
    for (const char* call : {"read", "openat", "statx", "uname", "socket", "chroot"}) {
      ASSERT_NE(rule_for(*p, call), nullptr) << group << " " << call;
      EXPECT_EQ(rule_for(*p, call)->action, SeccompAction::allow());
    }
    for (const char* call : {"keyctl", "mount", "ptrace", "bpf", "reboot", "io_uring_setup"}) {
      EXPECT_EQ(rule_for(*p, call), nullptr) << group << " " << call;
    }
    // clone only without namespace flags; clone3 sends glibc back to clone.
    ASSERT_NE(rule_for(*p, "clone"), nullptr);
    EXPECT_FALSE(rule_for(*p, "clone")->args.empty());
    EXPECT_EQ(rule_for(*p, "clone3")->action, SeccompAction::fail_with(ENOSYS));
  }
  CapSet with_admin = default_capabilities();
  with_admin.add(CAP_SYS_ADMIN).add(CAP_SYS_PTRACE).remove(CAP_SYS_CHROOT);
  auto p = policy_for({retain_set({"@rkt/default-whitelist"}, "")}, with_admin);
  ASSERT_TRUE(p);
  EXPECT_NE(rule_for(*p, "mount"), nullptr);
  EXPECT_NE(rule_for(*p, "ptrace"), nullptr);
  EXPECT_EQ(rule_for(*p, "chroot"), nullptr);
  EXPECT_TRUE(rule_for(*p, "clone")->args.empty());
  EXPECT_EQ(rule_for(*p, "keyctl"), nullptr);  // never, whatever the capabilities
}

TEST(PolicyFor, ANamedCallBeatsTheGroupsEntry) {
  auto p = policy_for({retain_set({"@rkt/default-whitelist", "clone3", "keyctl"}, "")}, {});
  ASSERT_TRUE(p);
  EXPECT_EQ(rule_for(*p, "clone3")->action, SeccompAction::allow());
  EXPECT_NE(rule_for(*p, "keyctl"), nullptr);
  auto r = policy_for({remove_set({"clone", "@rkt/default-blacklist"}, "EPERM")}, {});
  ASSERT_TRUE(r);
  EXPECT_TRUE(rule_for(*r, "clone")->args.empty());
  EXPECT_EQ(std::count_if(r->rules.begin(), r->rules.end(),
                          [](const SeccompRule& x) { return x.syscall == "clone"; }),
            1);
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

TEST(BuildFilter, EveryGroupBuilds) {
  for (const char* errno_name : {"", "EPERM", "ENOSYS"}) {
    auto w =
        policy_for({retain_set({"@docker/default-whitelist"}, errno_name)}, default_capabilities());
    ASSERT_TRUE(w);
    auto fw = build_filter(*w);
    EXPECT_TRUE(fw) << fw.error().text();
    auto b = policy_for({remove_set({"@docker/default-blacklist"}, errno_name)}, {});
    ASSERT_TRUE(b);
    auto fb = build_filter(*b);
    EXPECT_TRUE(fb) << fb.error().text();
  }
}

// Runs `fn` in a child under `policy` (with no_new_privs); its exit code, or 128 + signal.
template <class F>
int under_filter(const SeccompPolicy& policy, F fn) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto f = build_filter(policy);
    if (!f || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !f->load()) ::_exit(1);
    ::_exit(fn());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

TEST(BuildFilter, LoadedRetainSetKillsOrFailsWithItsErrno) {
  char buf[256];
  auto getcwd_ok = [&] { return ::syscall(SYS_getcwd, buf, sizeof buf) > 0 ? 0 : 2; };
  auto uname_fails = [] {
    struct utsname u;
    return ::syscall(SYS_uname, &u) == -1 && errno == EACCES ? 0 : 2;
  };
  auto kill = policy_for({retain_set({"getcwd"}, "")}, {});
  ASSERT_TRUE(kill);
  EXPECT_EQ(under_filter(*kill, getcwd_ok), 0);
  EXPECT_EQ(under_filter(*kill, uname_fails), 128 + SIGSYS);
  auto fail = policy_for({retain_set({"getcwd"}, "EACCES")}, {});
  ASSERT_TRUE(fail);
  EXPECT_EQ(under_filter(*fail, uname_fails), 0);
}

TEST(BuildFilter, LoadedRemoveSetKillsOrFailsWithItsErrno) {
  auto uname_fails = [] {
    struct utsname u;
    return ::syscall(SYS_uname, &u) == -1 && errno == ENOTSUP ? 0 : 2;
  };
  auto kill = policy_for({remove_set({"uname"}, "")}, {});
  ASSERT_TRUE(kill);
  EXPECT_EQ(under_filter(*kill, uname_fails), 128 + SIGSYS);
  auto fail = policy_for({remove_set({"uname"}, "ENOTSUP")}, {});
  ASSERT_TRUE(fail);
  EXPECT_EQ(under_filter(*fail, uname_fails), 0);
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
