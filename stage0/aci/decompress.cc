#include "stage0/aci/decompress.h"

#include <span>
#include <string_view>

#include "stage0/aci/digest.h"
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

// The spec allows gzip, bzip2 and xz, so only those are enabled. libarchive's "all" would add
// formats that shell out to external programs (lrzip, lzop, grzip), which an image must never
// be able to start. ARCHIVE_WARN means libarchive lacks the built-in decoder and would run an
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
  if (count > 2) return Error::msg("not an ACI: compressed more than once");
  switch (archive_filter_code(a, 0)) {
    case ARCHIVE_FILTER_GZIP:
    case ARCHIVE_FILTER_BZIP2:
    case ARCHIVE_FILTER_XZ:
      return oslayer::ok();
    default:
      return Error::msg(kNotAnAci);
  }
}

}  // namespace

oslayer::Result<Decompressed> decompress_to(int in_fd, int out_fd, uint64_t max_size) {
  detail::ArchivePtr a(archive_read_new());
  if (!a) return Error::msg("decompressing ACI: out of memory");
  if (auto st = enable_filters(a.get()); !st) return std::move(st).error();
  detail::Source source;
  source.fd = in_fd;
  if (auto st = detail::open_source(a.get(), source); !st) {
    // libarchive found no format it knows; the raw one only needs a byte, so this is an empty
    // input, unless the read itself failed.
    if (st.error().code() != 0) return std::move(st).error().context("decompressing ACI");
    return Error::msg(source.consumed == 0 ? "not an ACI: empty input" : kNotAnAci);
  }
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) return Error::msg("not an ACI: empty input");
  if (r < ARCHIVE_WARN) return detail::archive_error(a.get(), "decompressing ACI");
  if (auto st = check_filters(a.get()); !st) return std::move(st).error();

  // Hashing and writing run on their own thread, so this one only decompresses.
  auto writer = HashingWriter::start(out_fd);
  if (!writer) return std::move(writer).error().context("decompressing ACI");
  uint64_t total = 0;
  // The first bytes are kept until the tar magic can be checked, so garbage is reported as
  // such rather than as a manifest error later.
  std::string head;
  bool checked = false;
  for (bool eof = false; !eof;) {
    std::span<char> buf = (*writer)->next_buffer();
    if (buf.empty()) break;  // the write failed: finish() below says why
    // Filled whole, so the writer thread wakes once per buffer, not once per libarchive block.
    size_t len = 0;
    while (len < buf.size()) {
      la_ssize_t n = archive_read_data(a.get(), buf.data() + len, buf.size() - len);
      if (n < 0) return detail::archive_error(a.get(), "decompressing ACI");
      if (n == 0) {
        eof = true;
        break;
      }
      len += static_cast<size_t>(n);
    }
    if (len > max_size - total) {
      return Error::msg("decompressing ACI: expands beyond " + std::to_string(max_size) + " bytes");
    }
    std::string_view chunk(buf.data(), len);
    if (!checked) {
      head.append(chunk.substr(0, kMagicOffset + kTarMagic.size() - head.size()));
      if (head.size() >= kMagicOffset + kTarMagic.size()) {
        if (head.compare(kMagicOffset, kTarMagic.size(), kTarMagic) != 0) {
          return Error::msg(kNotAnAci);
        }
        checked = true;
      }
    }
    if (len > 0) (*writer)->submit(len);
    total += len;
  }
  auto digest = (*writer)->finish();
  if (!digest) return std::move(digest).error().context("writing the uncompressed image");
  if (!checked) return Error::msg(kNotAnAci);
  return Decompressed{std::string(kImageIdPrefix) + *digest, total};
}

}  // namespace stage0::aci
