// extract with ExtractOptions::growing: the tar read while another thread is still writing it
// (the tree extracted during the import, store/tree_store.h SpeculativeTree).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "stage0/aci/extract_fixture.h"
#include "stage0/aci/growing_file.h"

namespace stage0::aci {
namespace {

using testing::dir;
using testing::file;
using testing::read_file;

// The whole tar as bytes, and an empty file for the writer thread to fill.
struct Feed {
  std::string bytes;
  oslayer::Fd out;
  oslayer::Fd in;
};
Feed make_feed(const testing::TempDir& tmp, const std::vector<testing::Entry>& entries) {
  const std::string whole = tmp / "layer-whole.tar";
  testing::write_tar(whole, entries);
  Feed f{read_file(whole), {}, {}};
  auto out = oslayer::open_path(tmp / "layer-growing.tar", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_TRUE(out);
  f.out = std::move(*out);
  f.in = testing::open_read(tmp / "layer-growing.tar");
  return f;
}

// Writes `bytes` in small pieces with pauses, announcing each, then ends as told.
void write_slowly(int fd, const std::string& bytes, GrowingFile& growing, size_t stop_at,
                  bool finish) {
  constexpr size_t kPiece = 777;  // not a multiple of a tar block: reads see partial records
  for (size_t at = 0; at < stop_at; at += kPiece) {
    const size_t n = std::min(kPiece, stop_at - at);
    ASSERT_EQ(::pwrite(fd, bytes.data() + at, n, static_cast<off_t>(at)), static_cast<ssize_t>(n));
    growing.advance(n);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (finish) {
    growing.finish();
  } else {
    growing.abandon();
  }
}

std::vector<testing::Entry> image() {
  std::vector<testing::Entry> entries{file("manifest", testing::manifest_json()), dir("rootfs"),
                                      dir("rootfs/etc"), file("rootfs/etc/hostname", "box\n")};
  // A file larger than libarchive's reads, so that its data is skipped over and read in parts.
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  entries.push_back(file("rootfs/big", big));
  entries.push_back(file("rootfs/last", "the end"));
  return entries;
}

// The size of image()'s tar: about 300 KB, nearly all of it the big file.
size_t image_size() { return 300000 + 6 * 512 + 2 * 512; }

class ExtractGrowing : public testing::ExtractTest {
 protected:
  // Extracts image() while another thread writes the first `written` bytes of its tar (all of
  // them when `written` is npos) and then finishes or abandons the file.
  oslayer::Status extract_while_written(size_t written, bool finish) {
    Feed f = make_feed(tmp_, image());
    if (written == std::string::npos) written = f.bytes.size();
    GrowingFile growing;
    std::thread writer([&] { write_slowly(f.out.get(), f.bytes, growing, written, finish); });
    ExtractOptions options = options_;
    options.growing = &growing;
    auto st = extract(f.in.get(), dest_.get(), options);
    writer.join();
    return st;
  }
};

TEST_F(ExtractGrowing, ReadsRightBehindTheWriter) {
  auto st = extract_while_written(std::string::npos, /*finish=*/true);
  ASSERT_TRUE(st) << st.error().text();
  EXPECT_EQ(read_file(dest("etc/hostname")), "box\n");
  EXPECT_EQ(read_file(dest("big")).size(), 300000u);
  EXPECT_EQ(read_file(dest("big")).substr(0, 3), "abc");
  EXPECT_EQ(read_file(dest("last")), "the end");
  expect_outside_untouched();
}

// The writer stops halfway through the big file without finishing: the reader must not wait
// for ever.
TEST_F(ExtractGrowing, AnAbandonedWriterEndsTheExtractionWithAnError) {
  auto st = extract_while_written(image_size() / 2, /*finish=*/false);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().text().find("abandoned"), std::string::npos) << st.error().text();
}

TEST_F(ExtractGrowing, AFinishedButTruncatedTarIsAnError) {
  auto st = extract_while_written(image_size() / 2, /*finish=*/true);
  EXPECT_FALSE(st) << "a tar cut in the middle of a file was taken whole";
}

TEST(GrowingFile, WaitsForTheByteAndSaysTheEnd) {
  GrowingFile g;
  g.advance(10);
  EXPECT_EQ(g.wait_beyond(5), 10u);
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    g.advance(5);
    g.finish();
  });
  EXPECT_EQ(g.wait_beyond(12), 15u);
  later.join();
  EXPECT_EQ(g.wait_beyond(100), 15u);  // finished: the end, not a wait
  g.abandon();
  EXPECT_EQ(g.wait_beyond(0), std::nullopt);
}

}  // namespace
}  // namespace stage0::aci
