// extract against hostile archives: every attempt to write outside dest must fail, name the
// entry, and leave the "outside" directory next to dest untouched.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stage0/aci/extract_fixture.h"

namespace stage0::aci {
namespace {

using testing::dir;
using testing::Entry;
using testing::file;
using testing::hardlink;
using testing::symlink;

using ExtractHostile = testing::ExtractTest;

TEST_F(ExtractHostile, DotDotInRootfs) {
  expect_refused({dir("rootfs"), file("rootfs/../../outside/pwned", "x")},
                 "entry \"rootfs/../../outside/pwned\": path leaves the image");
}

TEST_F(ExtractHostile, DotDotAtTheTop) {
  expect_refused({file("../outside/pwned", "x")},
                 "entry \"../outside/pwned\": path leaves the image");
}

TEST_F(ExtractHostile, DotDotThatCleansToInside) {
  // "rootfs/a/../b" would lexically stay inside, but ".." is never resolved, so it is refused.
  expect_refused({file("rootfs/a/../b", "x")}, "entry \"rootfs/a/../b\": path leaves the image");
}

TEST_F(ExtractHostile, AbsoluteName) {
  std::string target = tmp_ / "outside/pwned";
  expect_refused({file(target, "x")}, "entry \"" + target + "\": absolute path");
}

TEST_F(ExtractHostile, EntryThroughAnAbsoluteSymlink) {
  expect_refused(
      {dir("rootfs"), symlink("rootfs/evil", tmp_ / "outside"), file("rootfs/evil/pwned", "x")},
      "entry \"rootfs/evil/pwned\"");
}

TEST_F(ExtractHostile, DirectoryThroughASymlink) {
  expect_refused(
      {dir("rootfs"), symlink("rootfs/evil", tmp_ / "outside"), dir("rootfs/evil/newdir")},
      "entry \"rootfs/evil/newdir/\"");
}

TEST_F(ExtractHostile, EntryThroughARelativeSymlinkUp) {
  expect_refused({dir("rootfs"), symlink("rootfs/up", "../outside"), file("rootfs/up/pwned", "x")},
                 "entry \"rootfs/up/pwned\"");
}

TEST_F(ExtractHostile, ChainOfDotDotSymlinks) {
  expect_refused({dir("rootfs"), dir("rootfs/a"), symlink("rootfs/a/up", ".."),
                  symlink("rootfs/l1", "a/up/l2"), symlink("rootfs/l2", "../outside"),
                  file("rootfs/a/up/a/up/a/up/pwned", "x")},
                 "entry \"rootfs/a/up/a/up/a/up/pwned\"");
  expect_refused({dir("rootfs"), symlink("rootfs/l1", "l2"), symlink("rootfs/l2", ".."),
                  file("rootfs/l1/outside/pwned", "x")},
                 "entry \"rootfs/l1/outside/pwned\"");
}

TEST_F(ExtractHostile, SymlinkEvenInsideIsNotFollowed) {
  // Writing through a symlink that stays inside would be harmless here, but telling the two
  // apart means resolving it; refusing all is simpler and what RESOLVE_NO_SYMLINKS gives.
  auto st = run({dir("rootfs"), dir("rootfs/real"), symlink("rootfs/alias", "real"),
                 file("rootfs/alias/f", "x")});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().text().find("entry \"rootfs/alias/f\""), std::string::npos);
  EXPECT_FALSE(testing::exists(dest("real/f")));
}

TEST_F(ExtractHostile, FileOverASymlinkReplacesTheSymlink) {
  auto st = run({dir("rootfs"), symlink("rootfs/evil", tmp_ / "outside/secret"),
                 file("rootfs/evil", "overwritten?")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_TRUE(S_ISREG(lstat_of("evil").st_mode));
  expect_outside_untouched();
}

TEST_F(ExtractHostile, HardLinkToAnAbsolutePath) {
  expect_refused({dir("rootfs"), hardlink("rootfs/passwd", "/etc/passwd")},
                 "entry \"rootfs/passwd\": hard link target \"/etc/passwd\": absolute path");
  EXPECT_FALSE(testing::exists(dest("passwd")));
}

TEST_F(ExtractHostile, HardLinkOutOfTheImage) {
  expect_refused({dir("rootfs"), hardlink("rootfs/s", "rootfs/../../outside/secret")},
                 "entry \"rootfs/s\": hard link target \"rootfs/../../outside/secret\": path "
                 "leaves the image");
  expect_refused({dir("rootfs"), hardlink("rootfs/s", "../outside/secret")}, "entry \"rootfs/s\"");
}

TEST_F(ExtractHostile, HardLinkThroughASymlink) {
  expect_refused({dir("rootfs"), symlink("rootfs/sl", tmp_ / "outside"),
                  hardlink("rootfs/h", "rootfs/sl/secret")},
                 "entry \"rootfs/h\": hard link target \"rootfs/sl/secret\"");
  EXPECT_FALSE(testing::exists(dest("h")));
  struct stat st {};
  ASSERT_EQ(::stat((tmp_ / "outside/secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 1u);
}

TEST_F(ExtractHostile, HardLinkToASymlink) {
  expect_refused({dir("rootfs"), symlink("rootfs/sl", tmp_ / "outside/secret"),
                  hardlink("rootfs/h", "rootfs/sl")},
                 "entry \"rootfs/h\": hard link target \"rootfs/sl\" is not a regular file");
}

TEST_F(ExtractHostile, HardLinkToADirectory) {
  expect_refused({dir("rootfs"), dir("rootfs/d"), hardlink("rootfs/h", "rootfs/d")},
                 "entry \"rootfs/h\": hard link target \"rootfs/d\" is not a regular file");
}

TEST_F(ExtractHostile, HardLinkToAMissingFile) {
  expect_refused({dir("rootfs"), hardlink("rootfs/h", "rootfs/later"), file("rootfs/later", "")},
                 "entry \"rootfs/h\": hard link target \"rootfs/later\"");
}

TEST_F(ExtractHostile, HardLinkToItself) {
  // libarchive#661: a naive extractor unlinks the target before linking to it.
  expect_refused({dir("rootfs"), file("rootfs/f", "keep"), hardlink("rootfs/f", "rootfs/f")},
                 "entry \"rootfs/f\": hard link to itself");
  EXPECT_EQ(testing::read_file(dest("f")), "keep");
}

TEST_F(ExtractHostile, HardLinkToTheManifest) {
  expect_refused(
      {file("manifest", testing::manifest_json()), dir("rootfs"), hardlink("rootfs/m", "manifest")},
      "entry \"rootfs/m\": hard link target \"manifest\" is not inside rootfs");
}

TEST_F(ExtractHostile, DeviceNodesAreSkipped) {
  auto st =
      run({dir("rootfs"), dir("rootfs/dev"), testing::device("rootfs/dev/sda", Entry::kBlockDev),
           testing::device("rootfs/mem", Entry::kCharDev), file("rootfs/after", "a")});
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_FALSE(testing::exists(dest("dev/sda")));
  EXPECT_FALSE(testing::exists(dest("mem")));
  EXPECT_EQ(testing::read_file(dest("after")), "a");
}

TEST_F(ExtractHostile, ExpandedSizeCap) {
  ExtractOptions options = options_;
  options.max_expanded_bytes = 1000;
  auto st = run({dir("rootfs"), file("rootfs/a", std::string(600, 'a')),
                 file("rootfs/b", std::string(600, 'b'))},
                options);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().text(), "entry \"rootfs/b\": image expands beyond 1000 bytes");
  EXPECT_FALSE(testing::exists(dest("b")));
}

TEST_F(ExtractHostile, ExpandedSizeCapCountsDeclaredSize) {
  ExtractOptions options = options_;
  options.max_expanded_bytes = 1 << 20;
  auto st = run({file("rootfs/huge", std::string(2 << 20, '\0'))}, options);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().text().find("entry \"rootfs/huge\""), std::string::npos);
  EXPECT_FALSE(testing::exists(dest("huge")));
}

TEST_F(ExtractHostile, EntryOutsideTheLayout) {
  expect_refused({dir("rootfs"), file("etc/passwd", "x")},
                 "entry \"etc/passwd\": not part of the ACI layout");
}

TEST_F(ExtractHostile, RootfsThatIsNotADirectory) {
  expect_refused({file("rootfs", "x")}, "entry \"rootfs\": not a directory");
  expect_refused({symlink("rootfs", tmp_ / "outside")}, "entry \"rootfs\": not a directory");
}

TEST_F(ExtractHostile, DirectoryFixupDoesNotFollowAReplacingSymlink) {
  // CVE-2021-31566: the mode and mtime of "rootfs/d" are applied at the end; by then "d" is a
  // symlink to outside, and they must not land there.
  struct stat before {};
  ASSERT_EQ(::stat((tmp_ / "outside").c_str(), &before), 0);
  Entry d = dir("rootfs/d", 0777);
  d.mtime = 1;
  auto st = run({dir("rootfs"), d, symlink("rootfs/d", tmp_ / "outside")});
  ASSERT_TRUE(st) << st.error().text();
  struct stat after {};
  ASSERT_EQ(::stat((tmp_ / "outside").c_str(), &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_mtime, before.st_mtime);
  EXPECT_TRUE(S_ISLNK(lstat_of("d").st_mode));
}

TEST_F(ExtractHostile, NameTooLong) {
  std::string name = "rootfs";
  while (name.size() < 5000) name += "/abcdefghij";
  expect_refused({file(name, "x")}, "name too long");
}

TEST_F(ExtractHostile, NewlineInNameStaysOnOneLine) {
  expect_refused({file("rootfs/../\nfake: line", "x")}, "entry \"rootfs/../\\x0afake: line\"");
}

}  // namespace
}  // namespace stage0::aci
