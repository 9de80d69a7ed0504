// Small RAII and error glue around libarchive's reader, shared by the files of stage0/aci.
// libarchive reports errors through the archive object; they are converted here, at the boundary.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage0/aci/growing_file.h"

namespace stage0::aci::detail {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// The archive's own error as ours: libarchive's message plus its errno when it set one.
oslayer::Error archive_error(archive* a, const std::string& what);

// Where libarchive reads from. `positional` reads with pread from offset 0 and skips by moving
// the offset (so skipping over file data costs nothing, and the fd's position does not matter);
// otherwise read(2) from the current position.
struct Source {
  int fd = -1;
  bool positional = false;
  // A positional source that another thread is still writing: reads and skips wait for its
  // bytes, and its end is where the writer finishes, not the size at open.
  const GrowingFile* growing = nullptr;
  off_t offset = 0;
  off_t size = 0;         // of a positional source, so that skips stop at the end
  uint64_t consumed = 0;  // bytes read so far, to tell an empty input from a bad one
  std::string prefix;     // bytes the caller already read from a non-positional fd, read first
  std::vector<char> buffer = std::vector<char>(1 << 16);
};

// Opens `a` (formats and filters already chosen) over `source`, which must outlive it.
oslayer::Status open_source(archive* a, Source& source);

// A reader for an uncompressed tar (ustar, pax, GNU, v7) read positionally from `fd`.
oslayer::Result<ArchivePtr> open_tar(int fd, Source& source);

}  // namespace stage0::aci::detail
