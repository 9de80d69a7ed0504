// The regular files of a tree hash (version 2) are hashed apart from the listing, on several
// threads at once: reading and SHA-512ing the contents is nearly all of the cost of hashing a
// tree, and a single SHA-512 stream cannot be split over cores.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage0/aci/digest.h"

namespace stage0::aci::detail {

// Shared with tree_hash.cc: the length-prefixed field, an entry's header line, and the "x"
// lines of the xattrs that extract restores, in name order.
std::string field(std::string_view s);
std::string header(const std::string& path, const struct stat& st);
oslayer::Result<std::string> xattr_lines(int fd);
// Feeds the `size` bytes of the regular file `fd` to `sha`; a file whose size changed while it
// was read is an error.
oslayer::Status hash_content(int fd, off_t size, const std::string& path, Sha512& sha);

// For each path (relative to `root`, reached without symlinks), the listing of that regular
// file: its header, size and the SHA-512 of its contents, then its xattr lines. Results are in
// the order of `paths`; up to `threads` files are read at once (the caller's thread counts).
std::vector<oslayer::Result<std::string>> hash_files(int root,
                                                     const std::vector<std::string>& paths,
                                                     unsigned threads);

}  // namespace stage0::aci::detail
