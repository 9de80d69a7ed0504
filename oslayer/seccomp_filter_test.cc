#include "oslayer/seccomp_filter.h"

#include <gtest/gtest.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/credentials.h"

namespace oslayer {
namespace {

template <class F>
int in_child(F fn) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

TEST(ResolveSyscall, KnowsNamesAndRefusesOthers) {
  auto nr = resolve_syscall("keyctl");
  ASSERT_TRUE(nr);
  EXPECT_EQ(*nr, SYS_keyctl);
  auto bad = resolve_syscall("no_such_call");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("no_such_call"), std::string::npos);
}

TEST(SeccompFilter, ExportsBpfThatGrowsWithRules) {
  auto f = SeccompFilter::create(SeccompAction::allow());
  ASSERT_TRUE(f) << f.error().text();
  auto empty = f->export_bpf();
  ASSERT_TRUE(empty) << empty.error().text();
  ASSERT_TRUE(f->add_rule("keyctl", SeccompAction::fail_with(EPERM)));
  ASSERT_TRUE(f->add_rule("clone", SeccompAction::fail_with(EPERM), {{0, 0x10000000, 0x10000000}}));
  auto bpf = f->export_bpf();
  ASSERT_TRUE(bpf) << bpf.error().text();
  // struct sock_filter is 8 bytes; the rules must have added instructions.
  EXPECT_EQ(bpf->size() % 8, 0U);
  EXPECT_GT(bpf->size(), empty->size());
}

TEST(SeccompFilter, UnknownSyscallIsAnError) {
  auto f = SeccompFilter::create(SeccompAction::allow());
  ASSERT_TRUE(f);
  auto st = f->add_rule("frobnicate", SeccompAction::fail_with(EPERM));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("frobnicate"), std::string::npos);
}

TEST(SeccompFilter, LoadedFilterFailsTheCallWithItsErrno) {
  // no_new_privs lets an unprivileged process load a filter; the child keeps the runner clean.
  int rc = in_child([] {
    auto f = SeccompFilter::create(SeccompAction::allow());
    if (!f) return 1;
    if (!f->add_rule("keyctl", SeccompAction::fail_with(EPERM))) return 2;
    if (!f->add_rule("getcwd", SeccompAction::fail_with(ENOTSUP))) return 3;
    if (!set_no_new_privileges()) return 4;
    if (!f->load()) return 5;
    errno = 0;
    if (::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) != -1) return 6;
    if (errno != EPERM) return 7;
    char buf[64];
    if (::getcwd(buf, sizeof buf) != nullptr || errno != ENOTSUP) return 8;
    if (::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2) return 9;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(SeccompFilter, AProgramThatIsNotWholeInstructionsIsRefusedBeforeTheKernel) {
  int rc = in_child([] {
    if (!set_no_new_privileges()) return 1;
    for (std::string_view bad : {std::string_view(), std::string_view("1234567")}) {
      auto st = load_seccomp_program(bad);
      if (st || st.error().text().find("not a BPF program") == std::string::npos) return 2;
    }
    return ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 3;
  });
  EXPECT_EQ(rc, 0);
}

TEST(SeccompFilter, KillActionKillsTheProcess) {
  int rc = in_child([] {
    auto f = SeccompFilter::create(SeccompAction::allow());
    if (!f || !f->add_rule("getppid", SeccompAction::kill_process())) return 1;
    if (!set_no_new_privileges() || !f->load()) return 2;
    (void)::getppid();
    return 3;
  });
  EXPECT_EQ(rc, 128 + SIGSYS);
}

}  // namespace
}  // namespace oslayer
