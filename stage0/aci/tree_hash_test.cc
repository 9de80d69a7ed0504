#include "stage0/aci/tree_hash.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "stage0/aci/extract_fixture.h"
#include "stage0/aci/tree_hash_files.h"

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
  ASSERT_EQ(h.size(), 9u + 128u);
  EXPECT_EQ(h.substr(0, 9), "sha512v2-");
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef", 9), std::string::npos);
  EXPECT_EQ(tree_hash_version(h), TreeHashVersion::kV2);
  auto v1 = hash_tree(dest_.get(), TreeHashVersion::kV1);
  ASSERT_TRUE(v1);
  ASSERT_EQ(v1->size(), 7u + 128u);
  EXPECT_EQ(v1->substr(0, 7), "sha512-");
  EXPECT_EQ(tree_hash_version(*v1), TreeHashVersion::kV1);
}

TEST_F(TreeHash, VersionOneStillSeesAChangedByte) {
  // Trees rendered before version 2 are verified with version 1.
  ASSERT_TRUE(run(image()));
  auto before = hash_tree(dest_.get(), TreeHashVersion::kV1);
  ASSERT_TRUE(before);
  auto fd = oslayer::open_path(dest("etc/hostname"), O_WRONLY);
  ASSERT_TRUE(fd);
  ASSERT_EQ(::pwrite(fd->get(), "f", 1, 0), 1);
  auto after = hash_tree(dest_.get(), TreeHashVersion::kV1);
  ASSERT_TRUE(after);
  EXPECT_NE(*after, *before);
}

// More files than one window of parallel hashing, in several directories, so that the order in
// which threads finish must not show in the hash, and a change anywhere must.
class TreeHashManyFiles : public TreeHash {
 protected:
  static constexpr int kFiles = 700;
  std::vector<Entry> many() {
    std::vector<Entry> entries{dir("rootfs"), dir("rootfs/a"), dir("rootfs/b")};
    for (int i = 0; i < kFiles; ++i) {
      std::string d = i % 3 == 0 ? "rootfs/b/" : "rootfs/a/";
      entries.push_back(file(d + "f" + std::to_string(i), std::string(i * 37 % 5000, 'x')));
      if (i % 50 == 0) entries.push_back(testing::symlink(d + "l" + std::to_string(i), "f0"));
    }
    return entries;
  }
};

TEST_F(TreeHashManyFiles, SameHashAcrossRunsAndChangesWithAnyFile) {
  ASSERT_TRUE(run(many()));
  std::string first = hash();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hash(), first);
  for (const char* victim : {"a/f1", "a/f698", "b/f0", "b/f699"}) {
    auto fd = oslayer::open_path(dest(victim), O_WRONLY);
    ASSERT_TRUE(fd);
    ASSERT_EQ(::pwrite(fd->get(), "y", 1, 0), 1) << victim;
    std::string changed = hash();
    EXPECT_NE(changed, first) << victim;
    first = changed;
  }
}

TEST_F(TreeHashManyFiles, FilesHashTheSameOnOneThreadOrMany) {
  ASSERT_TRUE(run(many()));
  std::vector<std::string> paths;
  for (int i = 1; i < kFiles; i += 3) paths.push_back("a/f" + std::to_string(i));
  auto one = detail::hash_files(dest_.get(), paths, 1);
  auto four = detail::hash_files(dest_.get(), paths, 4);
  ASSERT_EQ(one.size(), paths.size());
  ASSERT_EQ(four.size(), paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    ASSERT_TRUE(one[i]) << one[i].error().text();
    ASSERT_TRUE(four[i]) << four[i].error().text();
    EXPECT_EQ(*one[i], *four[i]);
    EXPECT_NE(one[i]->find(paths[i]), std::string::npos) << "results are in the order asked";
  }
}

TEST_F(TreeHashManyFiles, ASymlinkSwappedInIsRefusedNotFollowed) {
  ASSERT_TRUE(run(many()));
  ASSERT_EQ(::unlink(dest("a/f1").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", dest("a/f1").c_str()), 0);
  auto r = detail::hash_files(dest_.get(), {"a/f1", "a/f2"}, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0]);
  EXPECT_TRUE(r[1]);
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
