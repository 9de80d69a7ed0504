#include "stage0/aci/libarchive_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace stage0::aci::detail {
namespace {

la_ssize_t read_source(archive* a, void* data, const void** out) {
  auto* s = static_cast<Source*>(data);
  if (!s->prefix.empty()) {
    // Callers keep the prefix to a few bytes, well within the buffer.
    const size_t n = std::min(s->prefix.size(), s->buffer.size());
    std::memcpy(s->buffer.data(), s->prefix.data(), n);
    s->prefix.erase(0, n);
    s->consumed += n;
    *out = s->buffer.data();
    return static_cast<la_ssize_t>(n);
  }
  size_t want = s->buffer.size();
  if (s->growing != nullptr) {
    auto written = s->growing->wait_beyond(static_cast<uint64_t>(s->offset));
    if (!written) {
      archive_set_error(a, ECANCELED, "the file being read was abandoned by its writer");
      return -1;
    }
    if (*written <= static_cast<uint64_t>(s->offset)) return 0;  // its end
    want = std::min<uint64_t>(want, *written - static_cast<uint64_t>(s->offset));
  }
  for (;;) {
    ssize_t n = s->positional ? ::pread(s->fd, s->buffer.data(), want, s->offset)
                              : ::read(s->fd, s->buffer.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      archive_set_error(a, errno, "reading the archive");
      return -1;
    }
    s->offset += n;
    s->consumed += static_cast<uint64_t>(n);
    *out = s->buffer.data();
    return n;
  }
}

// Only registered for positional sources. A skip stops at the end of the file: told that less
// was skipped than asked, libarchive reports a truncated archive, where a skip past the end
// would have looked like a clean end of the archive at the next header.
la_int64_t skip_source(archive* a, void* data, la_int64_t request) {
  auto* s = static_cast<Source*>(data);
  if (s->growing != nullptr && request > 0) {
    // Wait for the last byte skipped to, or the end: the size is only known then.
    auto written = s->growing->wait_beyond(static_cast<uint64_t>(s->offset + request - 1));
    if (!written) {
      archive_set_error(a, ECANCELED, "the file being read was abandoned by its writer");
      return ARCHIVE_FATAL;
    }
    s->size = static_cast<off_t>(*written);
  }
  off_t left = s->size > s->offset ? s->size - s->offset : 0;
  if (request > left) request = left;
  s->offset += static_cast<off_t>(request);
  return request;
}

}  // namespace

oslayer::Error archive_error(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  std::string text = what + ": " + (msg != nullptr ? msg : "unknown libarchive error");
  int err = archive_errno(a);
  // libarchive's own findings use its private codes ARCHIVE_ERRNO_MISC (-1),
  // ARCHIVE_ERRNO_FILE_FORMAT (EILSEQ on Linux) and ARCHIVE_ERRNO_PROGRAMMER (EINVAL); their
  // strerror text would only mislead. A real errno, e.g. from our read callback, is kept.
  if (err > 0 && err != EILSEQ && err != EINVAL) {
    return oslayer::Error::sys(err, text);
  }
  return oslayer::Error::msg(text);
}

oslayer::Status open_source(archive* a, Source& source) {
  if (archive_read_set_read_callback(a, read_source) != ARCHIVE_OK ||
      (source.positional && archive_read_set_skip_callback(a, skip_source) != ARCHIVE_OK) ||
      archive_read_set_callback_data(a, &source) != ARCHIVE_OK ||
      archive_read_open1(a) != ARCHIVE_OK) {
    return archive_error(a, "opening the archive");
  }
  return oslayer::ok();
}

oslayer::Result<ArchivePtr> open_tar(int fd, Source& source) {
  ArchivePtr a(archive_read_new());
  if (!a) return oslayer::Error::msg("opening the archive: out of memory");
  // Tar only: the store keeps uncompressed images, so anything else is corrupt or hostile.
  if (archive_read_support_format_tar(a.get()) != ARCHIVE_OK) {
    return archive_error(a.get(), "setting up the tar reader");
  }
  struct stat st {};
  if (::fstat(fd, &st) < 0) return oslayer::Error::sys(errno, "inspecting the archive");
  if (!S_ISREG(st.st_mode)) return oslayer::Error::msg("the archive is not a regular file");
  source.fd = fd;
  source.positional = true;
  source.offset = 0;
  source.size = st.st_size;
  if (auto opened = open_source(a.get(), source); !opened) return std::move(opened).error();
  return a;
}

}  // namespace stage0::aci::detail
