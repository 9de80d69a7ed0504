#include "stage0/aci/gzip_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace stage0::aci {

using oslayer::Error;

namespace {

// 15 bits of window (the most deflate uses) plus 16: zlib reads the gzip header and trailer
// itself, and only gzip, so a zlib or raw deflate stream is not taken for one.
constexpr int kGzipWindowBits = 15 + 16;

}  // namespace

bool looks_like_gzip(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

GzipReader::GzipReader(int fd, std::string prefix) : fd_(fd), prefix_(std::move(prefix)) {}

GzipReader::~GzipReader() { inflateEnd(&zs_); }

oslayer::Result<std::unique_ptr<GzipReader>> GzipReader::open(int fd, std::string prefix) {
  std::unique_ptr<GzipReader> r(new GzipReader(fd, std::move(prefix)));
  const int rc = inflateInit2(&r->zs_, kGzipWindowBits);
  if (rc == Z_MEM_ERROR) return Error::sys(ENOMEM, "gzip: starting the decoder");
  if (rc != Z_OK)
    return Error::msg("gzip: starting the decoder failed (zlib error " + std::to_string(rc) + ")");
  return r;
}

oslayer::Status GzipReader::refill() {
  size_t len = 0;
  if (!prefix_.empty()) {
    len = std::min(prefix_.size(), in_.size());
    std::memcpy(in_.data(), prefix_.data(), len);
    prefix_.erase(0, len);
  } else {
    for (;;) {
      const ssize_t n = ::read(fd_, in_.data(), in_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error::sys(errno, "reading the image");
      if (n == 0) input_eof_ = true;
      len = static_cast<size_t>(n);
      break;
    }
  }
  zs_.next_in = in_.data();
  zs_.avail_in = static_cast<uInt>(len);
  return oslayer::ok();
}

oslayer::Result<size_t> GzipReader::read(std::span<char> out) {
  zs_.next_out = reinterpret_cast<Bytef*>(out.data());
  zs_.avail_out = static_cast<uInt>(out.size());
  while (zs_.avail_out > 0 && !done_) {
    if (zs_.avail_in == 0 && !input_eof_) {
      if (auto st = refill(); !st) return std::move(st).error();
      continue;
    }
    if (zs_.avail_in == 0) {
      if (in_member_) return Error::msg("gzip: the file ends in the middle of the stream");
      done_ = true;
      break;
    }
    in_member_ = true;
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      // zlib has checked this member's CRC-32 and length against its trailer.
      ++members_;
      in_member_ = false;
      inflateReset(&zs_);
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) continue;  // more input or more room needed
    if (rc == Z_MEM_ERROR) return Error::sys(ENOMEM, "gzip: decoding");
    const std::string why = zs_.msg != nullptr ? zs_.msg : "corrupt data";
    if (members_ > 0 && zs_.total_out == 0) {
      return Error::msg("gzip: data after the end of the compressed stream (" + why + ")");
    }
    if (why == "incorrect data check") {
      return Error::msg("gzip: the data does not match the CRC-32 in the trailer (corrupt file)");
    }
    if (why == "incorrect length check") {
      return Error::msg("gzip: the data does not match the length in the trailer (corrupt file)");
    }
    return Error::msg("gzip: " + why);
  }
  return out.size() - zs_.avail_out;
}

}  // namespace stage0::aci
