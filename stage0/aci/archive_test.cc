#include "stage0/aci/archive.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "stage0/aci/test_support.h"

namespace stage0::aci {
namespace {

using testing::dir;
using testing::Entry;
using testing::file;

class ReadManifest : public ::testing::Test {
 protected:
  oslayer::Result<AciManifest> run(const std::vector<Entry>& entries) {
    testing::write_tar(tmp_ / "image.tar", entries);
    auto fd = testing::open_read(tmp_ / "image.tar");
    return read_manifest(fd.get());
  }
  // The refusal must name the entry, on one line.
  void expect_refused(const std::vector<Entry>& entries, const std::string& text) {
    auto m = run(entries);
    ASSERT_FALSE(m) << "accepted";
    EXPECT_NE(m.error().text().find(text), std::string::npos) << m.error().text();
    EXPECT_EQ(m.error().text().find('\n'), std::string::npos) << m.error().text();
  }
  testing::TempDir tmp_;
};

TEST_F(ReadManifest, MinimalImage) {
  auto m = run(testing::minimal_aci());
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->raw, testing::manifest_json());
  EXPECT_EQ(m->manifest.name.str(), "example.com/test");
}

TEST_F(ReadManifest, ManifestAfterALargeRootfs) {
  std::vector<Entry> entries = {dir("rootfs"), file("rootfs/big", std::string(3 << 20, 'b')),
                                dir("rootfs/etc"), file("manifest", testing::manifest_json())};
  auto m = run(entries);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->manifest.name.str(), "example.com/test");
}

TEST_F(ReadManifest, DotSlashNamesAreCleaned) {
  auto m = run({dir("./"), file("./manifest", testing::manifest_json()), dir("./rootfs/"),
                file("./rootfs//etc/x", "x")});
  ASSERT_TRUE(m) << m.error().text();
}

TEST_F(ReadManifest, FdPositionDoesNotMatter) {
  testing::write_tar(tmp_ / "image.tar", testing::minimal_aci());
  auto fd = testing::open_read(tmp_ / "image.tar");
  off_t end = ::lseek(fd.get(), 0, SEEK_END);
  ASSERT_GT(end, 0);
  auto m = read_manifest(fd.get());
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), end);
}

TEST_F(ReadManifest, RootfsImpliedByItsChildren) {
  auto m = run({file("manifest", testing::manifest_json()), file("rootfs/etc/hostname", "h")});
  ASSERT_TRUE(m) << m.error().text();
}

TEST_F(ReadManifest, MissingManifest) {
  expect_refused({dir("rootfs"), file("rootfs/x", "")}, "no manifest in the image");
}

TEST_F(ReadManifest, MissingRootfs) {
  expect_refused({file("manifest", testing::manifest_json())}, "no rootfs in the image");
}

TEST_F(ReadManifest, ManifestTooBig) {
  std::string big = testing::manifest_json();
  big.insert(big.size() - 1, ",\"x\":\"" + std::string(appc::kMaxManifestSize, ' ') + "\"");
  expect_refused({file("manifest", big), dir("rootfs")}, "entry \"manifest\": manifest larger");
}

TEST_F(ReadManifest, ManifestNotARegularFile) {
  // (libarchive's writer appends the slash of a directory.)
  expect_refused({dir("manifest"), dir("rootfs")}, "entry \"manifest/\": not a regular file");
  expect_refused({testing::symlink("manifest", "rootfs/m"), dir("rootfs")},
                 "entry \"manifest\": not a regular file");
}

TEST_F(ReadManifest, InvalidManifestJson) {
  auto m = run({file("manifest", "{not json"), dir("rootfs")});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().text().rfind("entry \"manifest\": ", 0), 0u) << m.error().text();
}

TEST_F(ReadManifest, DuplicateEntry) {
  expect_refused({file("manifest", testing::manifest_json()), dir("rootfs"), file("rootfs/a", "1"),
                  file("rootfs/b", "2"), file("rootfs/a", "3")},
                 "entry \"rootfs/a\": duplicate entry");
}

TEST_F(ReadManifest, DuplicateAfterCleaning) {
  expect_refused({file("manifest", testing::manifest_json()), dir("rootfs"), dir("rootfs/a"),
                  dir("./rootfs//a/")},
                 "entry \"./rootfs//a/\": duplicate entry");
}

TEST_F(ReadManifest, DuplicateManifest) {
  expect_refused({file("manifest", testing::manifest_json()), dir("rootfs"),
                  file("manifest", testing::manifest_json("example.com/other"))},
                 "entry \"manifest\": duplicate entry");
}

TEST_F(ReadManifest, ExtraTopLevelEntry) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("etc/passwd", "root::0:0::/:/bin/sh"));
  expect_refused(entries, "entry \"etc/passwd\": not part of the ACI layout");
}

TEST_F(ReadManifest, RootfsPrefixIsNotEnough) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("rootfsX/a", ""));
  expect_refused(entries, "entry \"rootfsX/a\": not part of the ACI layout");
}

TEST_F(ReadManifest, DotDotLeavesTheImage) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("rootfs/../etc/passwd", ""));
  expect_refused(entries, "entry \"rootfs/../etc/passwd\": path leaves the image");
}

TEST_F(ReadManifest, AbsoluteName) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("/rootfs/etc/passwd", ""));
  expect_refused(entries, "entry \"/rootfs/etc/passwd\": absolute path");
}

TEST_F(ReadManifest, RootfsNotADirectory) {
  expect_refused({file("manifest", testing::manifest_json()), file("rootfs", "")},
                 "entry \"rootfs\": not a directory");
}

TEST_F(ReadManifest, ControlCharactersAreEscapedInErrors) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("rootfs/../\n\"x\"", ""));
  expect_refused(entries, "entry \"rootfs/../\\x0a\\\"x\\\"\": path leaves the image");
}

TEST_F(ReadManifest, NotATar) {
  testing::write_tar(tmp_ / "image.aci", testing::minimal_aci(), testing::Filter::kGzip);
  auto fd = testing::open_read(tmp_ / "image.aci");
  auto m = read_manifest(fd.get());
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().text().find("archive"), std::string::npos) << m.error().text();
}

TEST_F(ReadManifest, TruncatedTar) {
  auto entries = testing::minimal_aci();
  entries.push_back(file("rootfs/data", std::string(100000, 'd')));
  testing::write_tar(tmp_ / "image.tar", entries);
  std::string tar = testing::read_file(tmp_ / "image.tar");
  {
    auto fd = oslayer::open_path(tmp_ / "cut.tar", O_WRONLY | O_CREAT, 0644);
    ASSERT_TRUE(fd);
    ASSERT_TRUE(oslayer::write_all(fd->get(), tar.substr(0, 50000)));
  }
  auto fd = testing::open_read(tmp_ / "cut.tar");
  auto m = read_manifest(fd.get());
  EXPECT_FALSE(m);
}

}  // namespace
}  // namespace stage0::aci
