// The filesystem half of extract: creating one entry at (parent fd, leaf name) and applying
// its metadata, with *at calls that never follow a symlink at the leaf. The parent fd was
// reached without symlinks (RESOLVE_NO_SYMLINKS), so together no write can leave the tree.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "oslayer/result.h"

namespace stage0::aci::detail {

struct Meta {
  mode_t mode = 0;  // permission bits, setuid/setgid/sticky included
  uid_t uid = 0;
  gid_t gid = 0;
  struct timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};  // atime, mtime
  std::vector<std::pair<std::string, std::string>> xattrs;        // the allowed ones only
};

// The entry's metadata, with the xattrs filtered to those we restore. An owner that cannot be
// a Linux uid/gid is refused when it is to be applied.
oslayer::Result<Meta> read_meta(archive_entry* e, bool check_owner);

// Clears the way for a new entry at `leaf`: an existing non-directory is unlinked; an existing
// directory is removed with its contents, unless `want_dir`. Returns true when a directory
// stays in place (or, through `removed_dir`, that a directory tree was removed).
oslayer::Result<bool> make_room(int parent, const std::string& leaf, bool want_dir,
                                bool* removed_dir);

// Owner, xattrs, mode and times on an open fd, in the order that keeps each: chown clears
// setuid bits and file capabilities, so it comes first; times come last.
oslayer::Status apply_meta(int fd, const Meta& meta, bool preserve_owner);

// The entry types. Each creates the leaf exclusively (O_EXCL, mkdirat, symlinkat, mknodat),
// so a leaf that appeared in between is an error, never something followed.
oslayer::Status write_regular(archive* a, int parent, const std::string& leaf, uint64_t size,
                              const Meta& meta, bool preserve_owner);
oslayer::Status write_symlink(int parent, const std::string& leaf, const std::string& target,
                              const Meta& meta, bool preserve_owner);
oslayer::Status write_fifo(int parent, const std::string& leaf, const Meta& meta,
                           bool preserve_owner);

}  // namespace stage0::aci::detail
