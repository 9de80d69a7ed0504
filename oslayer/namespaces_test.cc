#include "oslayer/namespaces.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace oslayer {
namespace {

TEST(Namespaces, CloneChildRunsTheFunctionAndReturnsItsCode) {
  int captured = 41;
  auto c = clone_child(0, [&] { return captured + 1; });
  ASSERT_TRUE(c) << c.error().text();
  auto st = c->wait();
  ASSERT_TRUE(st);
  EXPECT_EQ(exit_code_of(*st), 42);
}

TEST(Namespaces, ForkChildAndSignalExitCodes) {
  auto c = fork_child([] {
    ::raise(SIGKILL);
    return 0;
  });
  ASSERT_TRUE(c);
  auto st = c->wait();
  ASSERT_TRUE(st);
  EXPECT_EQ(exit_code_of(*st), 128 + SIGKILL);
}

TEST(Namespaces, DroppedChildIsKilledAndReaped) {
  pid_t pid = 0;
  {
    auto c = fork_child([] {
      ::pause();
      return 0;
    });
    ASSERT_TRUE(c);
    pid = c->pid();
  }
  // Reaped: no longer our child.
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
}

}  // namespace
}  // namespace oslayer
