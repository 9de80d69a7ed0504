#include "stage0/aci/hashing_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "oslayer/fd.h"
#include "stage0/aci/digest.h"
#include "stage0/aci/test_support.h"

namespace stage0::aci {
namespace {

// Hands `data` over in pieces of at most `piece` bytes (and at most a buffer).
void feed(HashingWriter& w, const std::string& data, size_t piece) {
  for (size_t off = 0; off < data.size();) {
    std::span<char> buf = w.next_buffer();
    ASSERT_FALSE(buf.empty());
    size_t len = std::min({piece, buf.size(), data.size() - off});
    std::copy_n(data.data() + off, len, buf.data());
    w.submit(len);
    off += len;
  }
}

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 4099) & 0xff);
  return s;
}

std::string sha512_hex(const std::string& data) {
  Sha512 sha;
  sha.update(data);
  return sha.hex_final();
}

TEST(HashingWriter, WritesAndHashesEveryByteInOrder) {
  testing::TempDir tmp;
  // More than all buffers together, so the producer has to wait for the writer and buffers are
  // reused; odd piece sizes, so lengths differ from the buffer size.
  const std::string data = pattern(HashingWriter::kBuffers * HashingWriter::kBufferSize * 3 + 77);
  for (size_t piece : {size_t{1000003}, HashingWriter::kBufferSize, size_t{4093}}) {
    SCOPED_TRACE(piece);
    auto out = oslayer::open_path(tmp / "out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(out);
    auto w = HashingWriter::start(out->get());
    ASSERT_TRUE(w);
    feed(**w, data, piece);
    auto digest = (*w)->finish();
    ASSERT_TRUE(digest) << digest.error().text();
    EXPECT_EQ(*digest, sha512_hex(data));
    // Not EXPECT_EQ: a mismatch would print megabytes.
    EXPECT_TRUE(testing::read_file(tmp / "out") == data);
  }
}

TEST(HashingWriter, NothingHandedOverIsTheEmptyDigest) {
  testing::TempDir tmp;
  auto out = oslayer::open_path(tmp / "out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(out);
  auto w = HashingWriter::start(out->get());
  ASSERT_TRUE(w);
  auto digest = (*w)->finish();
  ASSERT_TRUE(digest);
  EXPECT_EQ(*digest, sha512_hex(""));
}

// A write error on the thread reaches the producer: next_buffer() comes back empty instead of
// blocking forever, and finish() returns the errno.
TEST(HashingWriter, WriteErrorStopsTheProducer) {
  auto out = oslayer::open_path("/dev/full", O_WRONLY);
  ASSERT_TRUE(out);
  auto w = HashingWriter::start(out->get());
  ASSERT_TRUE(w);
  bool stopped = false;
  // Far more buffers than the ring holds: without the error, this would block or run on.
  for (int i = 0; i < 1000; ++i) {
    std::span<char> buf = (*w)->next_buffer();
    if (buf.empty()) {
      stopped = true;
      break;
    }
    (*w)->submit(buf.size());
  }
  EXPECT_TRUE(stopped);
  auto digest = (*w)->finish();
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().code(), ENOSPC);
}

// A producer that fails midway drops the writer with buffers still queued: the destructor must
// stop and join the thread (a leaked or running thread would crash the test at exit or keep
// writing into a file the caller is discarding).
TEST(HashingWriter, DroppedMidwayJoinsWithoutWritingTheRest) {
  testing::TempDir tmp;
  auto out = oslayer::open_path(tmp / "out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(out);
  {
    auto w = HashingWriter::start(out->get());
    ASSERT_TRUE(w);
    feed(**w, pattern(HashingWriter::kBufferSize * 3), HashingWriter::kBufferSize);
  }
  // The thread is gone: the file no longer changes, and holds at most what was handed over.
  off_t size = ::lseek(out->get(), 0, SEEK_END);
  EXPECT_LE(size, static_cast<off_t>(HashingWriter::kBufferSize * 3));
  ::usleep(20000);
  EXPECT_EQ(::lseek(out->get(), 0, SEEK_END), size);
}

}  // namespace
}  // namespace stage0::aci
