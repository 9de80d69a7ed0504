#include "stage0/aci/gzip_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <string>

#include "oslayer/fd.h"
#include "stage0/aci/test_support.h"

namespace stage0::aci {
namespace {

// One gzip member of `data`: level 0 makes stored blocks, whose bytes only the trailer covers.
std::string gzip_member(const std::string& data, int level = 6) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class Gzip : public ::testing::Test {
 protected:
  // Everything the reader decodes from `gz`, or its error text prefixed with "error: ".
  std::string decode(const std::string& gz, size_t prefix_len = 2, size_t chunk = 4096) {
    const std::string path = tmp_ / "in.gz";
    {
      auto fd = oslayer::open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      EXPECT_TRUE(fd);
      EXPECT_TRUE(oslayer::write_all(fd->get(), gz.substr(std::min(prefix_len, gz.size()))));
    }
    auto in = testing::open_read(path);
    auto r = GzipReader::open(in.get(), gz.substr(0, prefix_len));
    EXPECT_TRUE(r);
    std::string out;
    std::string buf(chunk, '\0');
    for (;;) {
      auto n = (*r)->read(buf);
      if (!n) return "error: " + n.error().text();
      if (*n == 0) return out;
      out.append(buf, 0, *n);
    }
  }
  testing::TempDir tmp_;
};

std::string sample() {
  std::string s;
  for (unsigned i = 0; i < 300000; ++i) s += static_cast<char>('a' + (i * 7919u) % 26);
  return s;
}

TEST_F(Gzip, DecodesOneMemberInChunksOfAnySize) {
  const std::string data = sample();
  EXPECT_EQ(decode(gzip_member(data)), data);
  EXPECT_EQ(decode(gzip_member(data), 2, 1), data);
  EXPECT_EQ(decode(gzip_member(data), 0, 1 << 20), data);
}

TEST_F(Gzip, ConcatenatedMembersAreOneStream) {
  EXPECT_EQ(decode(gzip_member("first ") + gzip_member("second", 0) + gzip_member("")),
            "first second");
}

TEST_F(Gzip, CorruptStoredBlockFailsOnTheCrc) {
  // What libarchive let through: deflate does not check a stored block's bytes.
  std::string gz = gzip_member(sample(), 0);
  gz[gz.size() / 2] ^= 0x5A;
  EXPECT_EQ(decode(gz),
            "error: gzip: the data does not match the CRC-32 in the trailer (corrupt file)");
}

TEST_F(Gzip, WrongLengthInTheTrailerFails) {
  std::string gz = gzip_member("hello");
  gz[gz.size() - 1] ^= 1;  // the top byte of ISIZE
  EXPECT_EQ(decode(gz),
            "error: gzip: the data does not match the length in the trailer (corrupt file)");
}

TEST_F(Gzip, TruncationFailsEvenInTheTrailer) {
  const std::string gz = gzip_member(sample());
  for (size_t cut : {size_t{10}, gz.size() / 2, gz.size() - 8, gz.size() - 1}) {
    EXPECT_EQ(decode(gz.substr(0, cut)), "error: gzip: the file ends in the middle of the stream")
        << cut;
  }
}

TEST_F(Gzip, TrailingGarbageFails) {
  EXPECT_EQ(decode(gzip_member("hello") + std::string(16, '\0'))
                .rfind("error: gzip: data after the end of the compressed stream", 0),
            0u);
  EXPECT_EQ(decode(gzip_member("hello") + "junk")
                .rfind("error: gzip: data after the end of the compressed stream", 0),
            0u);
}

TEST_F(Gzip, BadHeaderFails) {
  std::string gz = gzip_member("hello");
  gz[2] = 7;  // compression method: only 8 (deflate) exists
  EXPECT_EQ(decode(gz).rfind("error: gzip: ", 0), 0u);
}

TEST_F(Gzip, MagicNumber) {
  EXPECT_TRUE(looks_like_gzip("\x1f\x8b"));
  EXPECT_TRUE(looks_like_gzip(gzip_member("x")));
  EXPECT_FALSE(looks_like_gzip("\x1f"));
  EXPECT_FALSE(looks_like_gzip("BZh9"));
  EXPECT_FALSE(looks_like_gzip(""));
}

}  // namespace
}  // namespace stage0::aci
