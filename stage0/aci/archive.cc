#include "stage0/aci/archive.h"

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include "stage0/aci/entry_name.h"
#include "stage0/aci/libarchive_util.h"

namespace stage0::aci {
namespace {

using oslayer::Error;

// libarchive's ARCHIVE_WARN (e.g. a name that does not convert to the locale) leaves a usable
// entry; anything below it does not.
oslayer::Result<bool> next_entry(archive* a, archive_entry** e) {
  int r = archive_read_next_header(a, e);
  if (r == ARCHIVE_EOF) return false;
  if (r == ARCHIVE_OK || r == ARCHIVE_WARN) return true;
  return detail::archive_error(a, "reading the archive");
}

bool is_regular(archive_entry* e) {
  return archive_entry_filetype(e) == AE_IFREG && detail::entry_hardlink(e).empty();
}

oslayer::Result<std::string> read_manifest_data(archive* a, archive_entry* e) {
  if (!is_regular(e)) return Error::msg("not a regular file");
  if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0 ||
      static_cast<uint64_t>(archive_entry_size(e)) > appc::kMaxManifestSize) {
    return Error::msg("manifest larger than " + std::to_string(appc::kMaxManifestSize) + " bytes");
  }
  std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
  size_t got = 0;
  while (got < data.size()) {
    la_ssize_t n = archive_read_data(a, data.data() + got, data.size() - got);
    if (n < 0) return detail::archive_error(a, "reading the manifest");
    if (n == 0) return Error::msg("manifest truncated");
    got += static_cast<size_t>(n);
  }
  return data;
}

uint64_t name_hash(const std::string& cleaned) { return std::hash<std::string>{}(cleaned); }

// The first pass keeps only 8 bytes per entry. Equal hashes are rare (a real duplicate or a
// collision), and only then does this second pass keep the names involved, to tell which.
oslayer::Status find_duplicate(int tar_fd, const std::vector<uint64_t>& suspects) {
  detail::Source source;
  auto a = detail::open_tar(tar_fd, source);
  if (!a) return std::move(a).error();
  std::set<std::string> seen;
  archive_entry* e = nullptr;
  for (;;) {
    auto more = next_entry(a->get(), &e);
    if (!more) return std::move(more).error();
    if (!*more) return oslayer::ok();
    std::string raw = detail::entry_pathname(e);
    auto cleaned = detail::clean_name(raw);
    if (!cleaned || cleaned->empty()) continue;  // the first pass vetted every name
    if (!std::binary_search(suspects.begin(), suspects.end(), name_hash(*cleaned))) continue;
    if (!seen.insert(*cleaned).second) {
      return detail::entry_error(raw, Error::msg("duplicate entry"));
    }
  }
}

}  // namespace

oslayer::Result<AciManifest> read_manifest(int tar_fd) {
  detail::Source source;
  auto a = detail::open_tar(tar_fd, source);
  if (!a) return std::move(a).error();
  std::vector<uint64_t> hashes;
  std::optional<std::string> raw_manifest;
  bool rootfs = false;
  archive_entry* e = nullptr;
  for (;;) {
    auto more = next_entry(a->get(), &e);
    if (!more) return std::move(more).error();
    if (!*more) break;
    std::string raw = detail::entry_pathname(e);
    if (hashes.size() >= kMaxEntries) {
      return Error::msg("more than " + std::to_string(kMaxEntries) + " entries");
    }
    auto cleaned = detail::clean_name(raw);
    if (!cleaned) return detail::entry_error(raw, std::move(cleaned).error());
    bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
    switch (detail::classify(*cleaned)) {
      case detail::Part::kTop:
        if (!is_dir) return detail::entry_error(raw, Error::msg("not a directory"));
        continue;  // the image directory itself; it may be listed more than once, harmlessly
      case detail::Part::kManifest: {
        if (raw_manifest) break;  // reported as a duplicate below
        auto data = read_manifest_data(a->get(), e);
        if (!data) return detail::entry_error(raw, std::move(data).error());
        raw_manifest = std::move(*data);
        break;
      }
      case detail::Part::kRootfs:
        if (!is_dir) return detail::entry_error(raw, Error::msg("not a directory"));
        rootfs = true;
        break;
      case detail::Part::kInRootfs:
        rootfs = true;
        break;
      case detail::Part::kOther:
        return detail::entry_error(
            raw, Error::msg("not part of the ACI layout (only manifest and rootfs/)"));
    }
    hashes.push_back(name_hash(*cleaned));
  }
  if (!raw_manifest) return Error::msg("no manifest in the image");
  if (!rootfs) return Error::msg("no rootfs in the image");

  std::sort(hashes.begin(), hashes.end());
  std::vector<uint64_t> suspects;
  for (size_t i = 1; i < hashes.size(); ++i) {
    if (hashes[i] == hashes[i - 1] && (suspects.empty() || suspects.back() != hashes[i])) {
      suspects.push_back(hashes[i]);
    }
  }
  if (!suspects.empty()) {
    if (auto st = find_duplicate(tar_fd, suspects); !st) return std::move(st).error();
  }

  auto manifest = appc::decode_image_manifest(*raw_manifest);
  if (!manifest) return detail::entry_error("manifest", std::move(manifest).error());
  return AciManifest{std::move(*raw_manifest), std::move(*manifest)};
}

}  // namespace stage0::aci
