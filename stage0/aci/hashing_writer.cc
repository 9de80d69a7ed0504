#include "stage0/aci/hashing_writer.h"

#include <string_view>
#include <system_error>

#include "oslayer/fd.h"

namespace stage0::aci {

HashingWriter::HashingWriter(int out_fd, GrowingFile* growing)
    : out_fd_(out_fd), growing_(growing), buffers_(kBuffers, std::vector<char>(kBufferSize)) {}

oslayer::Result<std::unique_ptr<HashingWriter>> HashingWriter::start(int out_fd,
                                                                     GrowingFile* growing) {
  std::unique_ptr<HashingWriter> w(new HashingWriter(out_fd, growing));
  // std::thread reports a failed pthread_create by throwing; our code throws nothing, so the
  // exception is turned into an error right here, where the library is called.
  try {
    w->thread_ = std::thread([raw = w.get()] { raw->run(); });
  } catch (const std::system_error& e) {
    return oslayer::Error::sys(e.code().value(), "starting the hashing thread");
  }
  return w;
}

HashingWriter::~HashingWriter() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    abandon_ = true;
  }
  has_data_.notify_one();
  thread_.join();
}

std::span<char> HashingWriter::next_buffer() {
  std::unique_lock lock(mu_);
  has_space_.wait(lock, [this] { return queued_ < kBuffers || error_.has_value(); });
  if (error_) return {};
  return std::span<char>(buffers_[head_]);
}

void HashingWriter::submit(size_t len) {
  {
    std::lock_guard lock(mu_);
    lengths_[head_] = len;
    head_ = (head_ + 1) % kBuffers;
    ++queued_;
  }
  has_data_.notify_one();
}

oslayer::Result<std::string> HashingWriter::finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  has_data_.notify_one();
  thread_.join();
  if (error_) return std::move(*error_);
  return sha_.hex_final();
}

void HashingWriter::run() {
  for (;;) {
    size_t index = 0;
    {
      std::unique_lock lock(mu_);
      has_data_.wait(lock, [this] { return queued_ > 0 || closing_; });
      if (abandon_ || queued_ == 0) return;  // closing, and everything is written
      index = tail_;
    }
    // The buffer is ours until it is released below: the producer only fills free ones.
    std::string_view chunk(buffers_[index].data(), lengths_[index]);
    sha_.update(chunk);
    auto written = oslayer::write_all(out_fd_, chunk);
    if (written && growing_ != nullptr) growing_->advance(chunk.size());
    {
      std::lock_guard lock(mu_);
      if (!written) error_ = std::move(written).error();
      tail_ = (tail_ + 1) % kBuffers;
      --queued_;
    }
    has_space_.notify_one();
    if (!written) return;
  }
}

}  // namespace stage0::aci
