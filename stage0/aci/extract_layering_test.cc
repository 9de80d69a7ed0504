// extract over an existing tree: layers of a rendered image (dependencies first) and entries
// that repeat a name within one archive. Later entries win, and nothing is followed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stage0/aci/extract_fixture.h"
#include "stage0/aci/remove_tree.h"

namespace stage0::aci {
namespace {

using testing::dir;
using testing::Entry;
using testing::file;
using testing::read_file;
using testing::symlink;

using ExtractLayers = testing::ExtractTest;

TEST_F(ExtractLayers, FileOverFile) {
  ASSERT_TRUE(run({dir("rootfs"), file("rootfs/f", "lower", 0644)}));
  auto before = lstat_of("f").st_ino;
  auto st = run({dir("rootfs"), file("rootfs/f", "upper", 0600)});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("f")), "upper");
  EXPECT_EQ(lstat_of("f").st_mode & 07777, 0600u);
  (void)before;  // a new inode or not, the content and mode are the upper layer's
}

TEST_F(ExtractLayers, FileOverHardLinkedFileLeavesTheOtherName) {
  ASSERT_TRUE(run({file("rootfs/a", "shared"), testing::hardlink("rootfs/b", "rootfs/a")}));
  auto st = run({file("rootfs/b", "new")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("a")), "shared");  // not written through the link
  EXPECT_EQ(read_file(dest("b")), "new");
}

TEST_F(ExtractLayers, SymlinkToDirectoryReplacedByADirectory) {
  ASSERT_TRUE(run({dir("rootfs"), dir("rootfs/usr"), dir("rootfs/usr/lib"),
                   symlink("rootfs/lib", "usr/lib"), symlink("rootfs/out", tmp_ / "outside")}));
  auto st = run({dir("rootfs"), dir("rootfs/lib", 0750), file("rootfs/lib/libc.so", "c"),
                 dir("rootfs/out"), file("rootfs/out/pwned", "x")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_TRUE(S_ISDIR(lstat_of("lib").st_mode));
  EXPECT_EQ(lstat_of("lib").st_mode & 07777, 0750u);
  EXPECT_EQ(read_file(dest("lib/libc.so")), "c");
  EXPECT_FALSE(testing::exists(dest("usr/lib/libc.so")));
  EXPECT_TRUE(S_ISDIR(lstat_of("out").st_mode));
  expect_outside_untouched();
}

TEST_F(ExtractLayers, EntryBelowALowerLayersSymlinkIsRefused) {
  // The upper layer has no directory entry for "lib", so the lower layer's symlink stays and
  // the entry under it is refused rather than written through it.
  ASSERT_TRUE(run({symlink("rootfs/lib", tmp_ / "outside")}));
  expect_refused({file("rootfs/lib/pwned", "x")}, "entry \"rootfs/lib/pwned\"");
}

TEST_F(ExtractLayers, FileOverDirectoryRemovesTheTree) {
  ASSERT_TRUE(run({dir("rootfs"), dir("rootfs/d"), file("rootfs/d/f", "f"), dir("rootfs/d/sub"),
                   file("rootfs/d/sub/g", "g"), symlink("rootfs/d/sub/out", tmp_ / "outside"),
                   dir("rootfs/d/ro", 0500)}));
  auto st = run({file("rootfs/d", "now a file")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("d")), "now a file");
  expect_outside_untouched();
}

TEST_F(ExtractLayers, SymlinkOverDirectory) {
  ASSERT_TRUE(run({dir("rootfs/d"), file("rootfs/d/f", "f")}));
  auto st = run({symlink("rootfs/d", "/elsewhere")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_TRUE(S_ISLNK(lstat_of("d").st_mode));
}

TEST_F(ExtractLayers, DirectoryOverDirectoryUpdatesOnlyMetadata) {
  Entry lower = dir("rootfs/d", 0755);
  lower.mtime = 1000;
  ASSERT_TRUE(run({lower, file("rootfs/d/lower", "l")}));
  Entry upper = dir("rootfs/d", 0700);
  upper.mtime = 2000;
  auto st = run({upper, file("rootfs/d/upper", "u")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("d/lower")), "l");
  EXPECT_EQ(read_file(dest("d/upper")), "u");
  EXPECT_EQ(lstat_of("d").st_mode & 07777, 0700u);
  EXPECT_EQ(lstat_of("d").st_mtime, 2000);
}

TEST_F(ExtractLayers, DirectoryOverFile) {
  ASSERT_TRUE(run({file("rootfs/x", "file")}));
  auto st = run({dir("rootfs/x"), file("rootfs/x/y", "y")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_TRUE(S_ISDIR(lstat_of("x").st_mode));
  EXPECT_EQ(read_file(dest("x/y")), "y");
}

TEST_F(ExtractLayers, SameNameTwiceInOneArchive) {
  auto st = run({dir("rootfs/n"), file("rootfs/n/child", "c"), file("rootfs/n", "file"),
                 file("rootfs/m", "first"), file("rootfs/m", "second")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("n")), "file");
  EXPECT_EQ(read_file(dest("m")), "second");
}

TEST_F(ExtractLayers, FileOverADeepTree) {
  std::vector<Entry> entries;
  std::string path = "rootfs/deep";
  for (int i = 0; i < 300; ++i) {
    entries.push_back(dir(path));
    entries.push_back(file(path + "/f", "f"));
    path += "/d";
  }
  ASSERT_TRUE(run(entries));
  auto st = run({file("rootfs/deep", "flat")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("deep")), "flat");
}

// remove_tree on its own.

TEST_F(ExtractLayers, RemoveTreeNeverFollowsSymlinks) {
  ASSERT_TRUE(run({dir("rootfs/t"), symlink("rootfs/t/out", tmp_ / "outside"),
                   symlink("rootfs/t/secret", tmp_ / "outside/secret"), dir("rootfs/t/a/b/c"),
                   file("rootfs/t/a/b/c/f", "")}));
  ASSERT_TRUE(remove_tree(dest_.get(), "t"));
  EXPECT_FALSE(testing::exists(dest("t")));
  expect_outside_untouched();
}

TEST_F(ExtractLayers, RemoveTreeOfASymlinkRemovesOnlyTheLink) {
  ASSERT_TRUE(run({symlink("rootfs/out", tmp_ / "outside")}));
  ASSERT_TRUE(remove_tree(dest_.get(), "out"));
  EXPECT_FALSE(testing::exists(dest("out")));
  expect_outside_untouched();
}

TEST_F(ExtractLayers, RemoveTreeOfAMissingPathIsFine) {
  EXPECT_TRUE(remove_tree(dest_.get(), "missing"));
}

TEST_F(ExtractLayers, RemoveTreeRefusesAPathThroughASymlink) {
  ASSERT_TRUE(run({symlink("rootfs/out", tmp_ / "outside")}));
  EXPECT_FALSE(remove_tree(dest_.get(), "out/secret"));
  expect_outside_untouched();
}

}  // namespace
}  // namespace stage0::aci
