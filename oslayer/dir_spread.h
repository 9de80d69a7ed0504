// A hint to the filesystem's inode allocator for a directory whose subdirectories are
// independent trees (one per pod), so that each new tree is placed on its own.
#pragma once

#include "oslayer/result.h"

namespace oslayer {

// Sets the "top of a directory hierarchy" flag (FS_TOPDIR_FL, chattr +T) on the directory `dir`:
// ext2/3/4's Orlov allocator then spreads each new subdirectory (and, below it, the files and
// directories made in it) over the block groups, instead of packing them into the group of
// `dir`. Without a journal, ext4 will not reuse an inode freed in the last minute (five while
// its inode table block is unwritten) and steps over every such inode, one by one, on each
// allocation in that group: with every pod made and removed in one group, creating a file
// there cost 20 to 400 us (rising with the pods removed in the last minutes) instead of 20.
// A filesystem without the flag (tmpfs, xfs, btrfs) refuses it; that is not an error.
Status spread_subdirectories(int dir);

}  // namespace oslayer
