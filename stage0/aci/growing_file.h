// GrowingFile: how much of a file one thread has written so far, for another thread that reads
// it as it grows. The import writes an image's tar into the store while the tree is extracted
// from the same file (store/tree_store.h, SpeculativeTree), so the tar is read once from the
// page cache right behind the writer instead of again after the import.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace stage0::aci {

class GrowingFile {
 public:
  // The writer: `bytes` more bytes follow the ones written before, and are readable now.
  void advance(uint64_t bytes) {
    {
      std::lock_guard lock(mu_);
      written_ += bytes;
    }
    changed_.notify_all();
  }
  // The writer is done and the file is whole.
  void finish() { end(false); }
  // No more bytes will come and those written are not to be used: the writer failed, or the
  // reader's owner gave up on it. A reader waiting, or reading later, gets nullopt. Has no
  // effect after finish() for reads of bytes already written; later reads past them fail.
  void abandon() { end(true); }

  // The reader: waits until byte `offset` is written, and returns how many bytes are written
  // then. At the end of a finished file it returns the file's size, which may be <= offset (the
  // end of the file); nullopt once the file was abandoned.
  std::optional<uint64_t> wait_beyond(uint64_t offset) const {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return abandoned_ || written_ > offset || finished_; });
    if (abandoned_) return std::nullopt;
    return written_;
  }

 private:
  void end(bool abandoned) {
    {
      std::lock_guard lock(mu_);
      if (abandoned) {
        abandoned_ = true;
      } else {
        finished_ = true;
      }
    }
    changed_.notify_all();
  }

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t written_ = 0;
  bool finished_ = false;
  bool abandoned_ = false;
};

}  // namespace stage0::aci
