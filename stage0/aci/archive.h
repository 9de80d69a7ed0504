// Reading the layout and manifest of an uncompressed ACI, the form in which the store keeps
// images. The archive is untrusted: its layout is checked the way appc's aci.ValidateArchive
// does, a little stricter where Go's check is a bare string prefix.
#pragma once

#include <cstdint>
#include <string>

#include "appc-spec/image_manifest.h"
#include "oslayer/result.h"

namespace stage0::aci {

// More entries than this is refused by read_manifest and extract: each costs an inode on disk
// and a little memory while checking for duplicates.
inline constexpr uint64_t kMaxEntries = 1'000'000;

struct AciManifest {
  std::string raw;  // the manifest's bytes as stored in the image
  appc::ImageManifest manifest;
};

// Reads the tar in `tar_fd` from offset 0 with pread (the fd's position is neither used nor
// moved; the fd must be seekable), checks the layout and decodes the manifest:
// - every entry is "manifest", "rootfs" or "rootfs/..." once "./" and duplicate slashes are
//   cleaned; ".." components and absolute names are refused, whatever they would resolve to;
// - no name appears twice;
// - "manifest" is present, a regular file of at most appc::kMaxManifestSize bytes;
// - "rootfs" is a directory, present as an entry or implied by "rootfs/..." entries.
// Errors about one entry name it: `entry "rootfs/../etc/passwd": path leaves the image`.
// File data is skipped, not read, so this is cheap even for a large image.
oslayer::Result<AciManifest> read_manifest(int tar_fd);

}  // namespace stage0::aci
