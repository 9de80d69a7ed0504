// A gzip decoder for fetched images, on zlib directly rather than through libarchive: libarchive
// skips the CRC-32 and length in each member's trailer, so a corrupt stored (uncompressed)
// block, which deflate has no other check on, would be imported as a different image. zlib
// checks both trailers when it decodes the gzip wrapper itself.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "oslayer/result.h"

namespace stage0::aci {

// True when `head` (the first bytes of a file) starts with gzip's magic number.
bool looks_like_gzip(std::string_view head);

class GzipReader {
 public:
  // Decodes the gzip stream read from `fd` (its current position; a pipe is fine), whose first
  // bytes were already read into `prefix`. Several members one after another are one stream,
  // as gzip(1) and Go's reader take them; anything else after the last member is an error.
  static oslayer::Result<std::unique_ptr<GzipReader>> open(int fd, std::string prefix);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  // Fills `out` as far as the stream goes; returns how many bytes, 0 only at the clean end.
  oslayer::Result<size_t> read(std::span<char> out);

 private:
  GzipReader(int fd, std::string prefix);
  oslayer::Status refill();

  const int fd_;
  z_stream zs_{};
  std::string prefix_;
  std::vector<unsigned char> in_ = std::vector<unsigned char>(size_t{1} << 16);
  bool input_eof_ = false;
  bool in_member_ = false;  // bytes of the current member were given to zlib
  bool done_ = false;
  unsigned members_ = 0;  // members decoded to their verified trailer
};

}  // namespace stage0::aci
