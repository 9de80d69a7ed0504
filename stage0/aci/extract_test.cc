// extract: what a well-formed image turns into on disk.
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
using testing::read_file;

using Extract = testing::ExtractTest;

TEST_F(Extract, FilesAndDirectories) {
  auto st = run({file("manifest", testing::manifest_json()), dir("rootfs"), dir("rootfs/etc"),
                 file("rootfs/etc/hostname", "box\n"), dir("rootfs/usr/bin"),
                 file("rootfs/usr/bin/tool", "#!/bin/sh\n", 0755), file("rootfs/empty", "")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("etc/hostname")), "box\n");
  EXPECT_EQ(read_file(dest("usr/bin/tool")), "#!/bin/sh\n");
  EXPECT_EQ(read_file(dest("empty")), "");
  EXPECT_TRUE(S_ISDIR(lstat_of("usr").st_mode));
  EXPECT_FALSE(testing::exists(dest("manifest")));
  expect_outside_untouched();
}

TEST_F(Extract, ImpliedParentsAre0755) {
  auto st = run({file("rootfs/a/b/c", "c")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("a/b/c")), "c");
  EXPECT_EQ(lstat_of("a/b").st_mode & 07777, 0755u);
}

TEST_F(Extract, WholeImageWhenNotRootfsOnly) {
  ExtractOptions options = options_;
  options.rootfs_only = false;
  auto st = run({file("manifest", testing::manifest_json()), dir("rootfs"), file("rootfs/x", "x")},
                options);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("manifest")), testing::manifest_json());
  EXPECT_EQ(read_file(dest("rootfs/x")), "x");
}

TEST_F(Extract, LargeFile) {
  std::string big;
  for (int i = 0; i < 300000; ++i) big += static_cast<char>('a' + i % 26);
  auto st = run({file("rootfs/big", big)});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("big")), big);
}

TEST_F(Extract, SymlinksAreCreatedAsTheyAre) {
  auto st = run({dir("rootfs"), testing::symlink("rootfs/abs", "/etc/passwd"),
                 testing::symlink("rootfs/rel", "../../../outside"),
                 testing::symlink("rootfs/dangling", "nowhere")});
  ASSERT_TRUE(st) << st.error().text();
  char buf[256];
  ssize_t n = ::readlink(dest("abs").c_str(), buf, sizeof buf);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "/etc/passwd");
  n = ::readlink(dest("rel").c_str(), buf, sizeof buf);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "../../../outside");
  EXPECT_TRUE(S_ISLNK(lstat_of("dangling").st_mode));
}

TEST_F(Extract, HardLinksShareTheInode) {
  auto st = run({dir("rootfs"), file("rootfs/a", "data"), dir("rootfs/sub"),
                 testing::hardlink("rootfs/sub/b", "rootfs/a"),
                 testing::hardlink("./rootfs/c", "./rootfs//a")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("a").st_ino, lstat_of("sub/b").st_ino);
  EXPECT_EQ(lstat_of("a").st_ino, lstat_of("c").st_ino);
  EXPECT_EQ(lstat_of("a").st_nlink, 3u);
  EXPECT_EQ(read_file(dest("sub/b")), "data");
}

TEST_F(Extract, ModesAreKept) {
  auto st = run({dir("rootfs"), file("rootfs/ro", "r", 0400), file("rootfs/x", "x", 0750),
                 dir("rootfs/private", 0700), dir("rootfs/locked", 0500),
                 file("rootfs/locked/inside", "i", 0644)});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("ro").st_mode & 07777, 0400u);
  EXPECT_EQ(lstat_of("x").st_mode & 07777, 0750u);
  EXPECT_EQ(lstat_of("private").st_mode & 07777, 0700u);
  EXPECT_EQ(lstat_of("locked").st_mode & 07777, 0500u);
  EXPECT_EQ(read_file(dest("locked/inside")), "i");
}

TEST_F(Extract, SetuidSetgidAndStickyAreKept) {
  auto st = run({dir("rootfs"), file("rootfs/su", "s", 04755), file("rootfs/sg", "g", 02755),
                 dir("rootfs/tmp", 01777)});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("su").st_mode & 07777, 04755u);
  EXPECT_EQ(lstat_of("sg").st_mode & 07777, 02755u);
  EXPECT_EQ(lstat_of("tmp").st_mode & 07777, 01777u);
}

TEST_F(Extract, MtimesAreKeptDirectoriesLast) {
  Entry d = dir("rootfs/d");
  d.mtime = 1000000000;
  Entry f = file("rootfs/d/f", "f");
  f.mtime = 1200000000;
  Entry l = testing::symlink("rootfs/d/l", "f");
  l.mtime = 1300000000;
  auto st = run({dir("rootfs"), d, f, l});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("d").st_mtime, 1000000000);
  EXPECT_EQ(lstat_of("d/f").st_mtime, 1200000000);
  EXPECT_EQ(lstat_of("d/l").st_mtime, 1300000000);
}

TEST_F(Extract, RootfsEntrySetsTheDestinationMetadata) {
  Entry root = dir("rootfs", 0751);
  root.mtime = 1100000000;
  auto st = run({root, file("rootfs/x", "x")});
  ASSERT_TRUE(st) << st.error().text();
  struct stat s {};
  ASSERT_EQ(::stat((tmp_ / "dest").c_str(), &s), 0);
  EXPECT_EQ(s.st_mode & 07777, 0751u);
  EXPECT_EQ(s.st_mtime, 1100000000);
}

TEST_F(Extract, Fifo) {
  auto st = run({dir("rootfs"), testing::fifo("rootfs/pipe")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_TRUE(S_ISFIFO(lstat_of("pipe").st_mode));
  EXPECT_EQ(lstat_of("pipe").st_mode & 07777, 0644u);
}

TEST_F(Extract, OwnersWhenPreserved) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  ExtractOptions options = options_;
  options.preserve_owner = true;
  Entry f = file("rootfs/f", "f", 04755);
  f.uid = 1234;
  f.gid = 5678;
  Entry d = dir("rootfs/d");
  d.uid = 42;
  d.gid = 43;
  Entry l = testing::symlink("rootfs/l", "/nowhere");
  l.uid = 7;
  l.gid = 8;
  auto st = run({dir("rootfs"), f, d, l}, options);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("f").st_uid, 1234u);
  EXPECT_EQ(lstat_of("f").st_gid, 5678u);
  EXPECT_EQ(lstat_of("f").st_mode & 07777, 04755u);  // chown came before chmod
  EXPECT_EQ(lstat_of("d").st_uid, 42u);
  EXPECT_EQ(lstat_of("l").st_uid, 7u);
}

TEST_F(Extract, OwnersNotPreservedAreOurs) {
  Entry f = file("rootfs/f", "f");
  f.uid = 1234;
  f.gid = 5678;
  auto st = run({dir("rootfs"), f});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(lstat_of("f").st_uid, ::geteuid());
}

TEST_F(Extract, UserXattrsAreKeptOthersDropped) {
  Entry f = file("rootfs/f", "f");
  f.xattrs = {{"user.mime", "text/plain"}, {"trusted.overlay.opaque", "y"}};
  auto st = run({dir("rootfs"), f});
  ASSERT_TRUE(st) << st.error().text();
  char buf[64];
  ssize_t n = ::lgetxattr(dest("f").c_str(), "user.mime", buf, sizeof buf);
  if (n < 0 && errno == ENOTSUP) GTEST_SKIP() << "no user xattrs on this filesystem";
  ASSERT_EQ(n, 10);
  EXPECT_EQ(std::string(buf, 10), "text/plain");
  EXPECT_LT(::lgetxattr(dest("f").c_str(), "trusted.overlay.opaque", buf, sizeof buf), 0);
}

TEST_F(Extract, FdPositionDoesNotMatter) {
  testing::write_tar(tmp_ / "layerX.tar", {file("rootfs/x", "x")});
  auto fd = testing::open_read(tmp_ / "layerX.tar");
  ASSERT_GT(::lseek(fd.get(), 0, SEEK_END), 0);
  auto st = extract(fd.get(), dest_.get(), options_);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("x")), "x");
}

TEST_F(Extract, TopDirectoryEntryIsIgnored) {
  auto st = run({dir("./", 0700), file("./manifest", testing::manifest_json()), dir("./rootfs/"),
                 file("./rootfs/x", "x")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("x")), "x");
}

// Whitelists: rendering keeps only what the image's pathWhitelist lists.

TEST_F(Extract, WhitelistKeepsListedFilesAndTheirParents) {
  std::vector<std::vector<std::string>> lists = {{"/usr/bin/keep", "/etc/"}};
  ExtractOptions options = options_;
  options.whitelists = &lists;
  auto st = run({dir("rootfs"), dir("rootfs/usr", 0711), dir("rootfs/usr/bin"),
                 file("rootfs/usr/bin/keep", "k"), file("rootfs/usr/bin/drop", "d"),
                 dir("rootfs/etc"), file("rootfs/etc/passwd", "p"), dir("rootfs/var"),
                 testing::symlink("rootfs/usr/bin/link", "keep")},
                options);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("usr/bin/keep")), "k");
  EXPECT_EQ(lstat_of("usr").st_mode & 07777, 0711u);  // a parent keeps its own metadata
  EXPECT_FALSE(testing::exists(dest("usr/bin/drop")));
  EXPECT_FALSE(testing::exists(dest("usr/bin/link")));
  EXPECT_TRUE(S_ISDIR(lstat_of("etc").st_mode));  // listed directory, contents not listed
  EXPECT_FALSE(testing::exists(dest("etc/passwd")));
  EXPECT_FALSE(testing::exists(dest("var")));
}

TEST_F(Extract, EveryWhitelistMustAgree) {
  std::vector<std::vector<std::string>> lists = {{"/a", "/b"}, {"/b", "/c"}, {}};
  ExtractOptions options = options_;
  options.whitelists = &lists;
  auto st = run({file("rootfs/a", "a"), file("rootfs/b", "b"), file("rootfs/c", "c")}, options);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_FALSE(testing::exists(dest("a")));
  EXPECT_EQ(read_file(dest("b")), "b");
  EXPECT_FALSE(testing::exists(dest("c")));
}

TEST_F(Extract, HardLinkToAFilteredTargetIsSkipped) {
  std::vector<std::vector<std::string>> lists = {{"/link"}};
  ExtractOptions options = options_;
  options.whitelists = &lists;
  auto st =
      run({file("rootfs/target", "t"), testing::hardlink("rootfs/link", "rootfs/target")}, options);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_FALSE(testing::exists(dest("target")));
  EXPECT_FALSE(testing::exists(dest("link")));
}

}  // namespace
}  // namespace stage0::aci
