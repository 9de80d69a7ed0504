// HashingWriter: SHA-512 and write(2) of a byte stream on a thread of its own, so that the thread
// producing the stream (decompressing an image) never waits for them. On two cores the import of
// a gzip image then costs the inflate alone, not inflate + hash + write one after the other.
//
// The stream passes through a few fixed buffers (kBuffers x kBufferSize), so memory does not grow
// with the image. The producer fills one buffer at a time and hands it over in order; the writer
// thread hashes and writes buffers in the order they were handed over.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "oslayer/result.h"
#include "stage0/aci/digest.h"
#include "stage0/aci/growing_file.h"

namespace stage0::aci {

class HashingWriter {
 public:
  static constexpr size_t kBufferSize = size_t{1} << 19;
  static constexpr size_t kBuffers = 4;

  // Starts the writer thread for `out_fd` (not owned; it must stay open until finish() or the
  // destructor returns). With `growing`, each buffer written is announced there (advance), for
  // a reader that follows the file; ending it (finish or abandon) is the caller's.
  static oslayer::Result<std::unique_ptr<HashingWriter>> start(int out_fd,
                                                               GrowingFile* growing = nullptr);

  // Stops the thread without writing what is still queued, and joins it. Whatever was written
  // stays in out_fd: the caller owns the file and discards it on failure.
  ~HashingWriter();
  HashingWriter(const HashingWriter&) = delete;
  HashingWriter& operator=(const HashingWriter&) = delete;

  // The next buffer to fill (kBufferSize bytes), waiting while all of them are queued. Empty once
  // a write has failed: the producer should stop, and finish() says why.
  std::span<char> next_buffer();
  // Hands over the first `len` bytes of the buffer next_buffer() returned last.
  void submit(size_t len);
  // Waits until everything handed over is written and joins the thread. Returns the 128 hex
  // digits of the SHA-512 of all bytes handed over, or the first write error. Call once.
  oslayer::Result<std::string> finish();

 private:
  HashingWriter(int out_fd, GrowingFile* growing);
  void run();

  const int out_fd_;
  GrowingFile* const growing_;
  std::vector<std::vector<char>> buffers_;
  size_t lengths_[kBuffers] = {};
  Sha512 sha_;  // only the writer thread touches it until the join

  std::mutex mu_;
  std::condition_variable has_data_;   // writer waits: a buffer was queued, or closing
  std::condition_variable has_space_;  // producer waits: a buffer is free, or the writer failed
  size_t head_ = 0;                    // next buffer the producer fills
  size_t tail_ = 0;                    // next buffer the writer writes
  size_t queued_ = 0;
  bool closing_ = false;  // no more buffers will come
  bool abandon_ = false;  // stop without writing the queued buffers
  std::optional<oslayer::Error> error_;

  std::thread thread_;
};

}  // namespace stage0::aci
