#include "oslayer/fd.h"

#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "oslayer/atomic_file.h"
#include "oslayer/dir_spread.h"
#include "oslayer/flock.h"

namespace oslayer {
namespace {

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/oslayer-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    path_ = tmpl;
    auto d = open_at(AT_FDCWD, path_, O_RDONLY | O_DIRECTORY);
    ASSERT_TRUE(d);
    dir_ = std::move(*d);
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + path_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string path_;
  Fd dir_;
};

// Where the filesystem keeps inode flags (ext4 here), the flag is set, and setting it again is
// fine; where it keeps none (tmpfs), the hint is dropped without an error.
TEST_F(TempDir, SpreadSubdirectoriesSetsTheTopdirFlag) {
  ASSERT_TRUE(spread_subdirectories(dir_.get()));
  ASSERT_TRUE(spread_subdirectories(dir_.get()));
  int flags = 0;
  if (::ioctl(dir_.get(), FS_IOC_GETFLAGS, &flags) == 0) {
    EXPECT_NE(flags & FS_TOPDIR_FL, 0);
  } else {
    EXPECT_EQ(errno, ENOTTY);
  }
}

TEST_F(TempDir, AtomicWriteReplacesAndLeavesNoTemp) {
  ASSERT_TRUE(write_file_atomic(dir_.get(), "f", "one", 0640));
  ASSERT_TRUE(write_file_atomic(dir_.get(), "f", "two", 0640));
  auto content = read_file(path_ + "/f", 100);
  ASSERT_TRUE(content);
  EXPECT_EQ(*content, "two");
  struct stat st {};
  ASSERT_EQ(::stat((path_ + "/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  std::string ls = "test $(ls -A '" + path_ + "' | wc -l) -eq 1";
  EXPECT_EQ(std::system(ls.c_str()), 0);
}

TEST_F(TempDir, AtomicWriteIntoMissingDirFailsCleanly) {
  auto s = write_file_atomic(dir_.get(), "missing/f", "x", 0600);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ENOENT);
  EXPECT_NE(s.error().text().find("writing missing/f"), std::string::npos);
}

TEST_F(TempDir, ReadAllRefusesMoreThanTheLimit) {
  ASSERT_TRUE(write_file_atomic(dir_.get(), "big", std::string(1000, 'a'), 0600));
  EXPECT_TRUE(read_file(path_ + "/big", 1000));
  auto r = read_file(path_ + "/big", 999);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("limit of 999"), std::string::npos);
}

// Read in chunks that grow: a file of many chunks comes back whole, byte for byte, and one just
// at the limit is fine.
TEST_F(TempDir, ReadAllReadsEveryChunk) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>('a' + i % 23);
  ASSERT_TRUE(write_file_atomic(dir_.get(), "long", text, 0600));
  auto whole = read_file(path_ + "/long", text.size());
  ASSERT_TRUE(whole) << whole.error().text();
  EXPECT_EQ(*whole, text);
  EXPECT_FALSE(read_file(path_ + "/long", text.size() - 1));
  auto proc = read_file("/proc/self/status", 1 << 20);  // size 0 to stat, as /proc files are
  ASSERT_TRUE(proc);
  EXPECT_NE(proc->find("Pid:"), std::string::npos);
}

TEST_F(TempDir, FdsAreCloseOnExec) {
  auto fd = open_at(dir_.get(), "x", O_WRONLY | O_CREAT, 0600);
  ASSERT_TRUE(fd);
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
}

TEST_F(TempDir, MakeDirsCreatesParents) {
  ASSERT_TRUE(make_dirs(dir_.get(), "a/b/c", 0755));
  ASSERT_TRUE(make_dirs(dir_.get(), "a/b/c", 0755));
  struct stat st {};
  EXPECT_EQ(::stat((path_ + "/a/b/c").c_str(), &st), 0);
}

TEST_F(TempDir, ExclusiveLockExcludesASecondHolder) {
  auto first = lock_path(dir_.get(), "lock", LockMode::kExclusive, LockWait::kTry);
  ASSERT_TRUE(first);
  // flock locks belong to the open file description, so a second open conflicts even in-process.
  auto second = lock_path(dir_.get(), "lock", LockMode::kShared, LockWait::kTry);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), EWOULDBLOCK);
  first = FileLock();
  EXPECT_TRUE(lock_path(dir_.get(), "lock", LockMode::kShared, LockWait::kTry));
}

TEST_F(TempDir, DirectoriesCanBeLocked) {
  ASSERT_TRUE(make_dirs(dir_.get(), "pod", 0700));
  auto l = lock_path(dir_.get(), "pod", LockMode::kExclusive, LockWait::kTry);
  ASSERT_TRUE(l);
  EXPECT_FALSE(lock_path(dir_.get(), "pod", LockMode::kExclusive, LockWait::kTry));
}

}  // namespace
}  // namespace oslayer
