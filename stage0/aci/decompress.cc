#include "stage0/aci/decompress.h"

#include <unistd.h>

#include <cerrno>
#include <span>
#include <string_view>

#include "stage0/aci/digest.h"
#include "stage0/aci/gzip_reader.h"
#include "stage0/aci/hashing_writer.h"
#include "stage0/aci/libarchive_util.h"

namespace stage0::aci {
namespace {

using oslayer::Error;

// A tar block carries "ustar" at offset 257 (POSIX ustar and GNU alike); appc's Go code detects
// a plain tar the same way.
constexpr size_t kMagicOffset = 257;
constexpr std::string_view kTarMagic = "ustar";

constexpr char kNotAnAci[] = "not an ACI: unknown compression or format";
constexpr char kTwice[] = "not an ACI: compressed more than once";

// The spec allows gzip, bzip2 and xz, so only those are enabled (gzip is decoded by
// GzipReader, but stays enabled here so that a gzip inside an xz is recognised). libarchive's "all"
// would add formats that shell out to external programs (lrzip, lzop, grzip), which an image must
// never be able to start. ARCHIVE_WARN means libarchive lacks the built-in decoder and would run an
// external one: refused too.
oslayer::Status enable_filters(archive* a) {
  int (*const filters[])(archive*) = {archive_read_support_filter_gzip,
                                      archive_read_support_filter_bzip2,
                                      archive_read_support_filter_xz};
  for (auto* enable : filters) {
    if (enable(a) != ARCHIVE_OK) {
      return detail::archive_error(a, "setting up decompression (built-in decoder missing)");
    }
  }
  if (archive_read_support_format_raw(a) != ARCHIVE_OK) {
    return detail::archive_error(a, "setting up decompression");
  }
  return oslayer::ok();
}

// One layer of the allowed compressions, or none. A gzip inside an xz is not an ACI (Go's
// reader unwraps one layer), and accepting it would make the image ID ambiguous.
oslayer::Status check_filters(archive* a) {
  int count = archive_filter_count(a);
  if (count <= 1) return oslayer::ok();  // only the "none" reader at the bottom
  if (count > 2) return Error::msg(kTwice);
  switch (archive_filter_code(a, 0)) {
    case ARCHIVE_FILTER_GZIP:
    case ARCHIVE_FILTER_BZIP2:
    case ARCHIVE_FILTER_XZ:
      return oslayer::ok();
    default:
      return Error::msg(kNotAnAci);
  }
}

// The first bytes of a compressed file name its format: enough of them to tell gzip apart.
constexpr size_t kHeadSize = 2;

oslayer::Result<std::string> read_head(int fd) {
  std::string head(kHeadSize, '\0');
  size_t got = 0;
  while (got < head.size()) {
    const ssize_t n = ::read(fd, head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::sys(errno, "decompressing ACI: reading the image");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  return head;
}

// A compressed stream's magic number where the tar should begin.
bool looks_compressed(std::string_view head) {
  return looks_like_gzip(head) || head.starts_with("BZh") ||
         head.starts_with(std::string_view("\xfd"
                                           "7zXZ\0",
                                           6));
}

// Copies what `read` decodes to out_fd through the hashing writer, stopping past max_size.
// `read(span)` fills the span as far as the stream goes and returns the count, 0 at the end.
// `decoded`: a decompressor ran, so a compressed stream where the tar should be is a second
// layer; otherwise it is only a file that starts like one and is not.
template <typename ReadFn>
oslayer::Result<Decompressed> copy_out(ReadFn&& read, int out_fd, uint64_t max_size, bool decoded,
                                       GrowingFile* growing) {
  auto not_a_tar = [&](std::string_view head) {
    return Error::msg(decoded && looks_compressed(head) ? kTwice : kNotAnAci);
  };
  // Hashing and writing run on their own thread, so this one only decompresses.
  auto writer = HashingWriter::start(out_fd, growing);
  if (!writer) return std::move(writer).error().context("decompressing ACI");
  uint64_t total = 0;
  // The first bytes are kept until the tar magic can be checked, so garbage is reported as
  // such rather than as a manifest error later.
  std::string head;
  bool checked = false;
  for (bool eof = false; !eof;) {
    std::span<char> buf = (*writer)->next_buffer();
    if (buf.empty()) break;  // the write failed: finish() below says why
    // Filled whole, so the writer thread wakes once per buffer, not once per decoder block.
    size_t len = 0;
    while (len < buf.size()) {
      auto n = read(buf.subspan(len));
      if (!n) return std::move(n).error().context("decompressing ACI");
      if (*n == 0) {
        eof = true;
        break;
      }
      len += *n;
    }
    if (len > max_size - total) {
      return Error::msg("decompressing ACI: expands beyond " + std::to_string(max_size) + " bytes");
    }
    std::string_view chunk(buf.data(), len);
    if (!checked) {
      head.append(chunk.substr(0, kMagicOffset + kTarMagic.size() - head.size()));
      if (head.size() >= kMagicOffset + kTarMagic.size()) {
        if (head.compare(kMagicOffset, kTarMagic.size(), kTarMagic) != 0) {
          return not_a_tar(head);
        }
        checked = true;
      }
    }
    if (len > 0) (*writer)->submit(len);
    total += len;
  }
  auto digest = (*writer)->finish();
  if (!digest) return std::move(digest).error().context("writing the uncompressed image");
  if (!checked) return not_a_tar(head);
  return Decompressed{std::string(kImageIdPrefix) + *digest, total};
}

}  // namespace

oslayer::Result<Decompressed> decompress_to(int in_fd, int out_fd, uint64_t max_size,
                                            GrowingFile* growing) {
  auto head = read_head(in_fd);
  if (!head) return std::move(head).error();
  if (head->empty()) return Error::msg("not an ACI: empty input");
  if (looks_like_gzip(*head)) {
    auto gz = GzipReader::open(in_fd, std::move(*head));
    if (!gz) return std::move(gz).error().context("decompressing ACI");
    return copy_out([&](std::span<char> b) { return (*gz)->read(b); }, out_fd, max_size, true,
                    growing);
  }

  // bzip2, xz or a plain tar: libarchive, whose decoders check their own CRCs.
  detail::ArchivePtr a(archive_read_new());
  if (!a) return Error::msg("decompressing ACI: out of memory");
  if (auto st = enable_filters(a.get()); !st) return std::move(st).error();
  detail::Source source;
  source.fd = in_fd;
  source.prefix = std::move(*head);
  if (auto st = detail::open_source(a.get(), source); !st) {
    if (st.error().code() != 0) return std::move(st).error().context("decompressing ACI");
    return Error::msg(kNotAnAci);
  }
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) return Error::msg("not an ACI: empty input");
  if (r < ARCHIVE_WARN) return detail::archive_error(a.get(), "decompressing ACI");
  if (auto st = check_filters(a.get()); !st) return std::move(st).error();
  auto read = [&](std::span<char> b) -> oslayer::Result<size_t> {
    const la_ssize_t n = archive_read_data(a.get(), b.data(), b.size());
    if (n < 0) return detail::archive_error(a.get(), "decoding");
    return static_cast<size_t>(n);
  };
  return copy_out(read, out_fd, max_size, archive_filter_count(a.get()) > 1, growing);
}

}  // namespace stage0::aci
