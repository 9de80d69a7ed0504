#include "oslayer/credentials.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {
namespace {

template <class F>
int in_child(F fn) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

TEST(NoNewPrivileges, IsOneWay) {
  int rc = in_child([] {
    if (!set_no_new_privileges()) return 1;
    auto now = get_no_new_privileges();
    return now && *now ? 0 : 2;
  });
  EXPECT_EQ(rc, 0);
}

TEST(CloseFds, ClosesFromTheGivenFdUp) {
  int rc = in_child([] {
    int a = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose: an inherited fd
    int b = ::dup2(a, 40);
    if (a < 3 || b != 40) return 1;
    if (!close_fds_from(3)) return 2;
    if (::fcntl(a, F_GETFD) != -1 || errno != EBADF) return 3;
    if (::fcntl(40, F_GETFD) != -1 || errno != EBADF) return 4;
    return ::fcntl(2, F_GETFD) == -1 ? 5 : 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(Execute, ReturnsTheErrnoOfAFailedExec) {
  Error e = execute("/nonexistent/program", {"program"}, {});
  EXPECT_EQ(e.code(), ENOENT);
  EXPECT_EQ(e.message(), "exec /nonexistent/program");
  e = execute("/etc/passwd", {"passwd"}, {});
  EXPECT_EQ(e.code(), EACCES);
}

TEST(Execute, PassesArgvAndOnlyTheGivenEnvironment) {
  int rc = in_child([] {
    (void)execute(
        "/bin/sh",
        {"sh", "-c", "test \"$1\" = x && test \"$ONLY\" = y && test -z \"$HOME\"", "sh", "x"},
        {"ONLY=y"});
    return 99;
  });
  EXPECT_EQ(rc, 0);
}

TEST(ChangeDirectory, SaysWhereItFailed) {
  auto st = change_directory("/nonexistent/dir");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ENOENT);
  EXPECT_EQ(st.error().message(), "changing directory to /nonexistent/dir");
}

TEST(Credentials, SwitchingToTheSameIdsIsAllowedUnprivileged) {
  int rc = in_child([] {
    if (!set_all_gids(::getgid())) return 1;
    if (!set_all_uids(::getuid())) return 2;
    if (!set_keep_capabilities(false)) return 3;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace oslayer
