#include "oslayer/capabilities.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {
namespace {

// Runs `fn` in a forked child (capability changes must not touch the test runner) and returns
// its exit code; the child never returns into gtest.
template <class F>
int in_child(F fn) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

TEST(ParseCapability, AcceptsEverySpelling) {
  for (const char* s :
       {"CAP_NET_ADMIN", "cap_net_admin", "net_admin", "NET_ADMIN", "Cap_Net_Admin"}) {
    auto c = parse_capability(s);
    ASSERT_TRUE(c) << s;
    EXPECT_EQ(*c, CAP_NET_ADMIN) << s;
  }
  EXPECT_EQ(*parse_capability("CAP_CHOWN"), CAP_CHOWN);
  EXPECT_EQ(*parse_capability("sys_chroot"), CAP_SYS_CHROOT);
}

TEST(ParseCapability, RefusesNumbersAndUnknownNames) {
  for (const char* s : {"", "CAP_", "CAP_PONIES", "12", "CAP_12", "cap_net_admin ", "all"}) {
    auto c = parse_capability(s);
    ASSERT_FALSE(c) << s;
    EXPECT_NE(c.error().message().find("unknown capability"), std::string::npos);
  }
}

TEST(CapabilityName, RoundTripsEveryKnownCapability) {
  EXPECT_EQ(capability_name(CAP_NET_ADMIN), "CAP_NET_ADMIN");
  EXPECT_EQ(capability_name(CAP_AUDIT_WRITE), "CAP_AUDIT_WRITE");
  ASSERT_GE(last_capability(), CAP_AUDIT_READ);
  for (int c = 0; c <= CAP_AUDIT_READ; ++c) {
    auto back = parse_capability(capability_name(c));
    ASSERT_TRUE(back) << capability_name(c);
    EXPECT_EQ(*back, c);
  }
}

TEST(CapSet, SetArithmetic) {
  CapSet a = CapSet::of({CAP_CHOWN, CAP_KILL, CAP_SETUID});
  CapSet b = CapSet::of({CAP_KILL, CAP_SYS_ADMIN});
  EXPECT_EQ((a & b), CapSet::of({CAP_KILL}));
  EXPECT_EQ((a | b).members(), (std::vector<int>{CAP_CHOWN, CAP_KILL, CAP_SETUID, CAP_SYS_ADMIN}));
  EXPECT_EQ(a.without(b), CapSet::of({CAP_CHOWN, CAP_SETUID}));
  EXPECT_TRUE(CapSet().empty());
  EXPECT_FALSE(a.has(64));
  EXPECT_FALSE(a.has(-1));
  EXPECT_TRUE(CapSet::all_known().has(last_capability()));
  EXPECT_FALSE(CapSet::all_known().has(last_capability() + 1));
}

TEST(ProcessCaps, ReadsTheRunningProcess) {
  auto caps = get_process_caps();
  ASSERT_TRUE(caps) << caps.error().text();
  auto bounding = get_bounding_set();
  ASSERT_TRUE(bounding) << bounding.error().text();
  // Whatever the runner holds is within its bounding set... unless it was raised before a drop;
  // the permitted set can only be a subset of what the kernel knows.
  EXPECT_EQ(caps->permitted.without(CapSet::all_known()), CapSet());
  EXPECT_TRUE(get_ambient_set());
}

TEST(ProcessCaps, CannotRaiseBeyondPermitted) {
  int rc = in_child([] {
    if (!set_process_caps(ProcessCaps{})) return 1;
    auto st = set_process_caps(ProcessCaps{CapSet::of({CAP_CHOWN}), CapSet::of({CAP_CHOWN}), {}});
    if (st) return 2;
    if (st.error().code() != EPERM) return 3;
    auto now = get_process_caps();
    if (!now || !(*now == ProcessCaps{})) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(AmbientSet, RaisingNeedsPermittedAndInheritable) {
  int rc = in_child([] {
    if (!set_process_caps(ProcessCaps{})) return 1;
    auto st = set_ambient_set(CapSet::of({CAP_KILL}));
    if (st || st.error().code() != EPERM) return 2;
    auto amb = get_ambient_set();
    return amb && amb->empty() ? 0 : 3;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace oslayer
