#include "stage1/status_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "oslayer/fd.h"
#include "oslayer/namespaces.h"

namespace stage1 {
namespace {

TEST(Status, ExitCodesAndSignalsAsRktWritesThem) {
  EXPECT_EQ(encode_status(0), "0");
  EXPECT_EQ(encode_status(oslayer::exit_code_of(3 << 8)), "3");
  EXPECT_EQ(encode_status(oslayer::exit_code_of(SIGKILL)), "137");
  EXPECT_EQ(encode_status(oslayer::exit_code_of(SIGTERM)), "143");
}

class StatusDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/stage1-status-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    path_ = tmpl;
    auto d = oslayer::open_path(path_, O_RDONLY | O_DIRECTORY);
    ASSERT_TRUE(d);
    dir_ = std::move(*d);
  }
  void TearDown() override { ASSERT_EQ(std::system(("rm -rf '" + path_ + "'").c_str()), 0); }
  std::string path_;
  oslayer::Fd dir_;
};

TEST_F(StatusDir, WritesTheStatusFileAndReplacesIt) {
  ASSERT_TRUE(write_app_status(dir_.get(), "web", 3));
  EXPECT_EQ(*oslayer::read_file(path_ + "/web", 64), "3");
  ASSERT_TRUE(write_app_status(dir_.get(), "web", 0));
  EXPECT_EQ(*oslayer::read_file(path_ + "/web", 64), "0");
}

TEST_F(StatusDir, OomKilledRecordsTheKernelsCount) {
  ASSERT_TRUE(write_oom_killed(dir_.get(), "web", 2));
  EXPECT_EQ(*oslayer::read_file(path_ + "/web", 64), "2");
}

TEST_F(StatusDir, SupervisorReadyIsASymlinkToReady) {
  ASSERT_TRUE(mark_supervisor_ready(dir_.get()));
  ASSERT_TRUE(mark_supervisor_ready(dir_.get()));  // again: replaced, not an error
  char buf[16] = {};
  ASSERT_EQ(::readlink((path_ + "/supervisor-status").c_str(), buf, sizeof buf - 1), 5);
  EXPECT_STREQ(buf, "ready");
}

}  // namespace
}  // namespace stage1
