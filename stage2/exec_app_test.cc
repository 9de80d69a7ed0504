#include "stage2/exec_app.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace stage2 {
namespace {

using V = std::vector<std::string>;

TEST(SelectCommand, ExecOrEventHandler) {
  appc::App app;
  app.exec = {"/probe", "report"};
  app.event_handlers = {{appc::EventName::kPreStart, {"/bin/true"}}};
  EXPECT_EQ(*select_command(app, std::nullopt), (V{"/probe", "report"}));
  EXPECT_EQ(*select_command(app, appc::EventName::kPreStart), (V{"/bin/true"}));
  auto none = select_command(app, appc::EventName::kPostStop);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().text(), "the app has no post-stop event handler");
  app.exec.clear();
  EXPECT_FALSE(select_command(app, std::nullopt));
}

TEST(EnterCommand, GivenOrTheDefaultShell) {
  EXPECT_EQ(*enter_command({"ls", "-l"}, false), (V{"ls", "-l"}));
  EXPECT_EQ(*enter_command({"ls"}, true), (V{"ls"}));
  EXPECT_EQ(*enter_command({}, true), (V{"/bin/sh"}));
  auto none = enter_command({}, false);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().text(),
            "the app has no /bin/sh: name the command to run (rkt enter UUID CMD [ARGS...])");
  EXPECT_FALSE(enter_command({""}, true));
}

TEST(ExecCandidates, LikeExecvp) {
  EXPECT_EQ(exec_candidates("/bin/sh", "/x"), (V{"/bin/sh"}));
  EXPECT_EQ(exec_candidates("./run", "/x"), (V{"./run"}));
  EXPECT_EQ(exec_candidates("sh", "/usr/bin:/bin"), (V{"/usr/bin/sh", "/bin/sh"}));
  EXPECT_EQ(exec_candidates("sh", ":/bin:"), (V{"sh", "/bin/sh", "sh"}));
}

TEST(ExitCodes, ShellConventions) {
  EXPECT_EQ(exit_code_for_exec_errno(ENOENT), 127);
  EXPECT_EQ(exit_code_for_exec_errno(ENOTDIR), 127);
  EXPECT_EQ(exit_code_for_exec_errno(EACCES), 126);
  EXPECT_EQ(exit_code_for_exec_errno(ENOEXEC), 126);
  EXPECT_EQ(exit_code_for_exec_errno(E2BIG), 126);
}

TEST(ExecCommand, ReportsTheMissingProgram) {
  auto e = exec_command({"no-such-program-here"}, {"PATH=/nonexistent:/also-not"});
  EXPECT_EQ(e.code(), ENOENT);
  EXPECT_EQ(e.message(), "exec no-such-program-here");
  e = exec_command({"/nonexistent/x"}, {});
  EXPECT_EQ(e.message(), "exec /nonexistent/x");
}

TEST(ExecCommand, PermissionDeniedWinsOverNotFound) {
  // /etc/passwd is not executable; a later PATH entry that is missing must not hide that.
  auto e = exec_command({"passwd"}, {"PATH=/etc:/nonexistent"});
  EXPECT_EQ(e.code(), EACCES);
  EXPECT_EQ(e.message(), "exec /etc/passwd");
}

}  // namespace
}  // namespace stage2
