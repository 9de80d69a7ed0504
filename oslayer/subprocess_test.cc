#include "oslayer/subprocess.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace oslayer {
namespace {

using namespace std::chrono_literals;

ProcessSpec shell(const std::string& script) {
  return ProcessSpec{.path = "/bin/sh", .argv = {"sh", "-c", script}, .env = {"A=b"}};
}

TEST(RunProcess, FeedsStdinAndCollectsBothStreams) {
  ProcessSpec s = shell("cat; echo \"$A\" >&2; exit 3");
  std::string big(200000, 'x');  // more than a pipe holds: stdin and stdout must interleave
  s.input = big;
  auto r = run_process(s);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->out, big);
  EXPECT_EQ(r->err, "b\n");
  EXPECT_TRUE(WIFEXITED(r->wait_status));
  EXPECT_EQ(WEXITSTATUS(r->wait_status), 3);
  EXPECT_FALSE(r->timed_out);
}

TEST(RunProcess, KillsAProgramAndItsChildrenAtTheDeadline) {
  ProcessSpec s = shell("sleep 30 & sleep 30");
  s.timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto r = run_process(s);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->timed_out);
  EXPECT_TRUE(WIFSIGNALED(r->wait_status));
  // Had the background sleep survived, it would hold stdout open and this would take 30 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(RunProcess, AProgramThatDoesNotReadItsInputDoesNotKillUs) {
  ProcessSpec s = shell("exit 0");  // gone before the input is written: EPIPE, not SIGPIPE
  std::string big(1 << 20, 'x');
  s.input = big;
  for (int i = 0; i < 20; ++i) {
    auto r = run_process(s);
    ASSERT_TRUE(r) << r.error().text();
    EXPECT_EQ(WEXITSTATUS(r->wait_status), 0);
  }
}

TEST(RunProcess, RefusesOutputBeyondTheLimit) {
  ProcessSpec s = shell("head -c 5000 /dev/zero");
  s.output_limit = 1000;
  auto r = run_process(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("more than 1000 bytes"), std::string::npos);
}

TEST(RunProcess, AMissingProgramIsAnErrorNamingIt) {
  auto r = run_process(ProcessSpec{.path = "/nonexistent/plugin", .argv = {"plugin"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("/nonexistent/plugin"), std::string::npos);
}

}  // namespace
}  // namespace oslayer
