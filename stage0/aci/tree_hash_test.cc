#include "stage0/aci/tree_hash.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "stage0/aci/extract_fixture.h"

namespace stage0::aci {
namespace {

using testing::dir;
using testing::Entry;
using testing::file;

class TreeHash : public testing::ExtractTest {
 protected:
  std::vector<Entry> image() {
    return {dir("rootfs"),
            dir("rootfs/etc"),
            file("rootfs/etc/hostname", "box\n"),
            file("rootfs/bin", "elf", 0755),
            testing::symlink("rootfs/sh", "bin"),
            testing::fifo("rootfs/pipe"),
            dir("rootfs/empty", 0700)};
  }
  std::string hash() {
    auto h = hash_tree(dest_.get());
    EXPECT_TRUE(h) << h.error().text();
    return h ? *h : "";
  }
};

TEST_F(TreeHash, Format) {
  ASSERT_TRUE(run(image()));
  std::string h = hash();
  ASSERT_EQ(h.size(), 7u + 128u);
  EXPECT_EQ(h.substr(0, 7), "sha512-");
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef", 7), std::string::npos);
}

TEST_F(TreeHash, SameTreeSameHashWhateverTheTimes) {
  ASSERT_TRUE(run(image()));
  std::string first = hash();
  EXPECT_EQ(hash(), first);
  // A second extraction elsewhere, with other mtimes, hashes the same.
  auto other = tmp_.make_dir("other");
  auto entries = image();
  for (auto& e : entries) e.mtime += 1000;
  testing::write_tar(tmp_ / "layer-other.tar", entries);
  auto fd = testing::open_read(tmp_ / "layer-other.tar");
  ASSERT_TRUE(extract(fd.get(), other.get(), options_));
  auto h = hash_tree(other.get());
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, first);
}

TEST_F(TreeHash, ChangedByteChangesIt) {
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  auto fd = oslayer::open_path(dest("etc/hostname"), O_WRONLY);
  ASSERT_TRUE(fd);
  ASSERT_EQ(::pwrite(fd->get(), "f", 1, 0), 1);
  EXPECT_NE(hash(), before);
}

TEST_F(TreeHash, ChangedModeChangesIt) {
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  ASSERT_EQ(::chmod(dest("bin").c_str(), 04755), 0);
  EXPECT_NE(hash(), before);
  ASSERT_EQ(::chmod(dest("bin").c_str(), 0755), 0);
  EXPECT_EQ(hash(), before);
}

TEST_F(TreeHash, ChangedSymlinkTargetChangesIt) {
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  ASSERT_EQ(::unlink(dest("sh").c_str()), 0);
  ASSERT_EQ(::symlink("/bin", dest("sh").c_str()), 0);
  EXPECT_NE(hash(), before);
}

TEST_F(TreeHash, RenameAddAndRemoveChangeIt) {
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  ASSERT_EQ(::rename(dest("bin").c_str(), dest("bin2").c_str()), 0);
  std::string renamed = hash();
  EXPECT_NE(renamed, before);
  ASSERT_EQ(::mkdir(dest("empty/new").c_str(), 0700), 0);
  EXPECT_NE(hash(), renamed);
  ASSERT_EQ(::rmdir(dest("empty/new").c_str()), 0);
  EXPECT_EQ(hash(), renamed);
}

TEST_F(TreeHash, MovingContentAcrossFilesChangesIt) {
  ASSERT_TRUE(run({file("rootfs/a", "xy"), file("rootfs/b", "")}));
  std::string before = hash();
  ASSERT_TRUE(run({file("rootfs/a", "x"), file("rootfs/b", "y")}));
  EXPECT_NE(hash(), before);
}

TEST_F(TreeHash, ChangedOwnerChangesIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  ASSERT_EQ(::lchown(dest("sh").c_str(), 1, 1), 0);
  EXPECT_NE(hash(), before);
}

TEST_F(TreeHash, ChangedXattrChangesIt) {
  ASSERT_TRUE(run(image()));
  std::string before = hash();
  if (::setxattr(dest("bin").c_str(), "user.x", "1", 1, 0) < 0) {
    GTEST_SKIP() << "no user xattrs on this filesystem";
  }
  EXPECT_NE(hash(), before);
}

TEST_F(TreeHash, SymlinksAreNotFollowed) {
  ASSERT_TRUE(run({dir("rootfs"), testing::symlink("rootfs/out", tmp_ / "outside")}));
  std::string before = hash();
  auto fd = oslayer::open_path(tmp_ / "outside/new", O_WRONLY | O_CREAT, 0644);
  ASSERT_TRUE(fd);
  EXPECT_EQ(hash(), before);
}

TEST_F(TreeHash, DeepTreeDoesNotRunOutOfFds) {
  std::vector<Entry> entries;
  std::string path = "rootfs";
  for (int i = 0; i < 1100; ++i) {  // deeper than the usual limit of 1024 fds
    path += "/d";
    entries.push_back(dir(path));
  }
  entries.push_back(file(path + "/f", "bottom"));
  ASSERT_TRUE(run(entries));
  std::string before = hash();
  ASSERT_FALSE(before.empty());
  auto fd = oslayer::open_path(dest(path.substr(7) + "/f"), O_WRONLY | O_TRUNC);
  ASSERT_TRUE(fd);
  EXPECT_NE(hash(), before);
}

}  // namespace
}  // namespace stage0::aci
