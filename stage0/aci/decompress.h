// Turning a fetched ACI (plain tar, gzip, bzip2 or xz) into the uncompressed tar that the store
// keeps, hashing it on the way: the image ID is defined over the uncompressed stream.
#pragma once

#include <cstdint>
#include <string>

#include "oslayer/result.h"
#include "stage0/aci/growing_file.h"

namespace stage0::aci {

struct Decompressed {
  std::string image_id;  // "sha512-" + 128 hex digits of the uncompressed tar
  uint64_t size;         // bytes of uncompressed tar written
};

// Reads an ACI from `in_fd` (from its current position; a pipe is fine) and writes the
// uncompressed tar to `out_fd`. The compression is detected from the content, and only the
// ones the spec allows are accepted, one layer deep. Fails once more than `max_size` bytes
// would come out (nothing beyond max_size is written), and on anything that is not a tar once
// uncompressed. Memory stays at a few buffers whatever the image size.
// With `growing`, every block written to out_fd is announced there as soon as it is written
// (GrowingFile::advance); ending it, on success or failure, is the caller's.
oslayer::Result<Decompressed> decompress_to(int in_fd, int out_fd, uint64_t max_size,
                                            GrowingFile* growing = nullptr);

}  // namespace stage0::aci
