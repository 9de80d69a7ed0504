// Names of tar entries: cleaning, the refusal of names that leave the image, and the ACI layout
// ("manifest", "rootfs", "rootfs/..."). Shared by read_manifest and extract.
#pragma once

#include <archive_entry.h>

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0::aci::detail {

// Longest cleaned entry name accepted: PATH_MAX, also bounding the depth of a tree.
inline constexpr size_t kMaxNameLength = 4096;

// `name` in double quotes, with control bytes, quotes and backslashes escaped, so that an
// error naming a hostile entry stays on one line.
std::string quote(std::string_view name);

// Adds `entry "<raw>"` to an error about that entry.
oslayer::Error entry_error(std::string_view raw, oslayer::Error error);

// Cleans a tar name like Go's filepath.Clean minus the ".." folding: "./a//b/" is "a/b", "." is
// "". A ".." component anywhere, an absolute name or an empty one is refused: we never resolve
// them, whatever they would lexically come to.
oslayer::Result<std::string> clean_name(std::string_view raw);

enum class Part {
  kTop,       // "." (the image directory itself, as in tars made with `tar -C dir .`)
  kManifest,  // "manifest"
  kRootfs,    // "rootfs" itself
  kInRootfs,  // "rootfs/..."
  kOther,     // anything else: not allowed by the layout
};
Part classify(const std::string& cleaned);
// For kInRootfs: the path below rootfs ("rootfs/usr/bin" -> "usr/bin").
inline std::string strip_rootfs(const std::string& cleaned) { return cleaned.substr(7); }

// The entry's name (or hard-link target) as raw bytes; libarchive keeps a UTF-8 form when the
// name cannot be converted to the locale's charset, so both are tried.
std::string entry_pathname(archive_entry* e);
std::string entry_hardlink(archive_entry* e);

}  // namespace stage0::aci::detail
