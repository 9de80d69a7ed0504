#include "oslayer/seccomp_names.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace oslayer {
namespace {

struct SetCase {
  SeccompMode mode;
  std::vector<std::string> set;
  const char* error;  // nullptr: accepted; else a part of the message
};

TEST(CheckSeccompSet, NamesAndGroupsByMode) {
  const auto kRetain = SeccompMode::kRetain;
  const auto kRemove = SeccompMode::kRemove;
  const SetCase cases[] = {
      {kRetain, {"read", "write", "exit_group"}, nullptr},
      {kRemove, {"uname", "keyctl"}, nullptr},
      // A call of another ABI is still a name libseccomp knows (the filter covers i386 too).
      {kRemove, {"vm86"}, nullptr},
      {kRetain, {"@rkt/default-whitelist", "ptrace"}, nullptr},
      {kRetain, {"@docker/default-whitelist"}, nullptr},
      {kRetain, {"@appc.io/all"}, nullptr},
      {kRetain, {"@appc.io/empty", "read"}, nullptr},
      {kRemove, {"@rkt/default-blacklist"}, nullptr},
      {kRemove, {"@docker/default-blacklist", "uname"}, nullptr},
      {kRemove, {"@appc.io/empty"}, nullptr},
      {kRemove, {"read", "nosuchcall"}, "unknown system call \"nosuchcall\""},
      {kRemove, {"READ"}, "unknown system call \"READ\""},
      {kRetain, {"@rkt/nope"}, "unknown seccomp group \"@rkt/nope\""},
      {kRetain, {"@systemd/clock"}, "unknown seccomp group"},
      {kRetain, {"@rkt/default-blacklist"}, "is a denylist: use it with mode=remove"},
      {kRemove, {"@docker/default-whitelist"}, "is an allowlist: use it with mode=retain"},
      {kRemove, {"@appc.io/all"}, "is an allowlist"},
      {kRemove, {}, "empty"},
  };
  for (const auto& c : cases) {
    auto st = check_seccomp_set(c.mode, c.set);
    const std::string what = std::string(seccomp_mode_name(c.mode)) + " " +
                             (c.set.empty() ? std::string("(empty)") : c.set.back());
    if (c.error == nullptr) {
      EXPECT_TRUE(st) << what << ": " << st.error().message();
    } else {
      ASSERT_FALSE(st) << what;
      EXPECT_NE(st.error().message().find(c.error), std::string::npos)
          << what << ": " << st.error().message();
    }
  }
}

TEST(ParseErrnoName, KnownNamesAndAliases) {
  EXPECT_EQ(*parse_errno_name("EPERM"), EPERM);
  EXPECT_EQ(*parse_errno_name("ENOSYS"), ENOSYS);
  EXPECT_EQ(*parse_errno_name("EACCES"), EACCES);
  EXPECT_EQ(*parse_errno_name("ENOTSUP"), ENOTSUP);
  EXPECT_EQ(*parse_errno_name("EWOULDBLOCK"), EWOULDBLOCK);
  for (const char* bad : {"", "E", "eperm", "EBOGUS", "PERM", "1"}) {
    auto e = parse_errno_name(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_NE(e.error().message().find("unknown errno name"), std::string::npos);
  }
}

}  // namespace
}  // namespace oslayer
