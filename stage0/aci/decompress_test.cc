#include "stage0/aci/decompress.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "stage0/aci/digest.h"
#include "stage0/aci/test_support.h"

namespace stage0::aci {
namespace {

using testing::Filter;

constexpr uint64_t kBig = uint64_t{1} << 30;

std::string sha512_id(const std::string& data) {
  Sha512 sha;
  sha.update(data);
  return "sha512-" + sha.hex_final();
}

class Decompress : public ::testing::Test {
 protected:
  oslayer::Result<Decompressed> run(const std::string& input, uint64_t max = kBig) {
    auto in = testing::open_read(input);
    auto out = oslayer::open_path(tmp_ / "out.tar", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_TRUE(out);
    return decompress_to(in.get(), out->get(), max);
  }
  void write_bytes(const std::string& path, const std::string& data) {
    auto fd = oslayer::open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(fd);
    ASSERT_TRUE(oslayer::write_all(fd->get(), data));
  }
  // A single-stream file (no tar inside) compressed with libarchive's raw writer.
  void write_raw(const std::string& path, const std::string& data, int (*filter)(archive*)) {
    std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
    ASSERT_EQ(archive_write_set_format_raw(a.get()), ARCHIVE_OK);
    ASSERT_EQ(filter(a.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_open_filename(a.get(), path.c_str()), ARCHIVE_OK);
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                               archive_entry_free);
    archive_entry_set_pathname(e.get(), "data");
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    ASSERT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(a.get(), data.data(), data.size()),
              static_cast<la_ssize_t>(data.size()));
    ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
  }
  testing::TempDir tmp_;
};

class DecompressFilter : public Decompress, public ::testing::WithParamInterface<Filter> {};

TEST_P(DecompressFilter, RoundTripsToTheIdOfThePlainTar) {
  auto entries = testing::minimal_aci();
  entries.push_back(testing::file("rootfs/data", std::string(100000, 'x') + "tail"));
  testing::write_tar(tmp_ / "plain.tar", entries);
  testing::write_tar(tmp_ / "image.aci", entries, GetParam());
  std::string plain = testing::read_file(tmp_ / "plain.tar");
  auto d = run(tmp_ / "image.aci");
  ASSERT_TRUE(d) << d.error().text();
  EXPECT_EQ(d->image_id, sha512_id(plain));
  EXPECT_EQ(d->image_id.size(), 7u + 128u);
  EXPECT_EQ(d->size, plain.size());
  EXPECT_EQ(testing::read_file(tmp_ / "out.tar"), plain);
}

INSTANTIATE_TEST_SUITE_P(AllCompressions, DecompressFilter,
                         ::testing::Values(Filter::kNone, Filter::kGzip, Filter::kBzip2,
                                           Filter::kXz));

TEST_F(Decompress, GarbageIsNotAnAci) {
  write_bytes(tmp_ / "garbage", std::string(4096, 'G'));
  auto d = run(tmp_ / "garbage");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().text(), "not an ACI: unknown compression or format");
}

TEST_F(Decompress, GarbageWithACompressionMagicIsNotCalledCompressedTwice) {
  // Nothing was decompressed: the bytes only start like bzip2 or xz.
  for (const std::string& magic : {std::string("BZh"), std::string("\xfd"
                                                                   "7zXZ\0",
                                                                   6)}) {
    write_bytes(tmp_ / "fake", magic + std::string(4096, 'G'));
    auto d = run(tmp_ / "fake");
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().text(), "not an ACI: unknown compression or format");
  }
}

TEST_F(Decompress, ShortGarbageIsNotAnAci) {
  write_bytes(tmp_ / "short", "hello");
  auto d = run(tmp_ / "short");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("not an ACI"), std::string::npos) << d.error().text();
}

TEST_F(Decompress, EmptyInputIsNotAnAci) {
  write_bytes(tmp_ / "empty", "");
  auto d = run(tmp_ / "empty");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("not an ACI"), std::string::npos) << d.error().text();
}

TEST_F(Decompress, CompressedNonTarIsNotAnAci) {
  write_raw(tmp_ / "text.gz", std::string(2000, 't'), archive_write_add_filter_gzip);
  auto d = run(tmp_ / "text.gz");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().text(), "not an ACI: unknown compression or format");
}

TEST_F(Decompress, CompressionOutsideTheSpecIsRefused) {
  // Unix compress (.Z): libarchive could read it, the spec does not allow it.
  testing::write_tar(tmp_ / "plain.tar", testing::minimal_aci());
  write_raw(tmp_ / "image.Z", testing::read_file(tmp_ / "plain.tar"),
            archive_write_add_filter_compress);
  auto d = run(tmp_ / "image.Z");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("not an ACI"), std::string::npos) << d.error().text();
}

TEST_F(Decompress, DoubleCompressionIsRefused) {
  testing::write_tar(tmp_ / "image.gz", testing::minimal_aci(), Filter::kGzip);
  write_raw(tmp_ / "image.gz.xz", testing::read_file(tmp_ / "image.gz"),
            archive_write_add_filter_xz);
  auto d = run(tmp_ / "image.gz.xz");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("compressed more than once"), std::string::npos)
      << d.error().text();
}

TEST_F(Decompress, TruncatedGzipFails) {
  auto entries = testing::minimal_aci();
  // Incompressible-ish content so that the cut lands in the middle of the deflate stream.
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245 + 12345;
    noise += static_cast<char>(x >> 24);
  }
  entries.push_back(testing::file("rootfs/noise", noise));
  testing::write_tar(tmp_ / "image.aci", entries, Filter::kGzip);
  std::string gz = testing::read_file(tmp_ / "image.aci");
  write_bytes(tmp_ / "cut.aci", gz.substr(0, gz.size() / 2));
  auto d = run(tmp_ / "cut.aci");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("decompressing ACI"), std::string::npos) << d.error().text();
}

TEST_F(Decompress, BombStopsAtTheLimit) {
  auto entries = testing::minimal_aci();
  entries.push_back(testing::file("rootfs/zeros", std::string(200 << 20, '\0')));
  testing::write_tar(tmp_ / "bomb.aci", entries, Filter::kGzip);
  struct stat st {};
  ASSERT_EQ(::stat((tmp_ / "bomb.aci").c_str(), &st), 0);
  ASSERT_LT(st.st_size, 1 << 20);  // it is a bomb: under 1 MiB on the wire
  constexpr uint64_t kMax = 10 << 20;
  auto d = run(tmp_ / "bomb.aci", kMax);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().text().find("expands beyond 10485760 bytes"), std::string::npos)
      << d.error().text();
  ASSERT_EQ(::stat((tmp_ / "out.tar").c_str(), &st), 0);
  EXPECT_LE(static_cast<uint64_t>(st.st_size), kMax);
}

TEST_F(Decompress, ExactlyTheLimitIsFine) {
  testing::write_tar(tmp_ / "image.aci", testing::minimal_aci(), Filter::kXz);
  testing::write_tar(tmp_ / "plain.tar", testing::minimal_aci());
  uint64_t size = testing::read_file(tmp_ / "plain.tar").size();
  auto d = run(tmp_ / "image.aci", size);
  ASSERT_TRUE(d) << d.error().text();
  EXPECT_EQ(d->size, size);
  auto over = run(tmp_ / "image.aci", size - 1);
  EXPECT_FALSE(over);
}

TEST_F(Decompress, ReadsFromAPipe) {
  testing::write_tar(tmp_ / "image.aci", testing::minimal_aci(), Filter::kBzip2);
  testing::write_tar(tmp_ / "plain.tar", testing::minimal_aci());
  std::string data = testing::read_file(tmp_ / "image.aci");
  ASSERT_LT(data.size(), 60000u);  // fits in the pipe buffer: no writer thread needed
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  oslayer::Fd rd(fds[0]);
  {
    oslayer::Fd wr(fds[1]);
    ASSERT_TRUE(oslayer::write_all(wr.get(), data));
  }
  auto out = oslayer::open_path(tmp_ / "out.tar", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(out);
  auto d = decompress_to(rd.get(), out->get(), kBig);
  ASSERT_TRUE(d) << d.error().text();
  EXPECT_EQ(d->image_id, sha512_id(testing::read_file(tmp_ / "plain.tar")));
}

}  // namespace
}  // namespace stage0::aci
