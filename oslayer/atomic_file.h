// Crash-safe file replacement: a reader sees the old content or the new, never a mix.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// Whether the new content must survive a power loss. A running pod's state (pid, cgroup paths,
// exit statuses, runtime options) dies with the machine anyway, and each fsync costs about a
// millisecond on every pod start, so such files are written kVolatile: still atomic for readers.
enum class Durability { kDurable, kVolatile };

// Writes `data` to a temporary file next to `name` (relative to directory fd `dir`), fsyncs it,
// renames it over `name`, then fsyncs the directory so the rename itself is durable (both fsyncs
// are skipped for kVolatile). On failure the temporary file is removed and `name` is untouched.
Status write_file_atomic(int dir, const std::string& name, std::string_view data, mode_t mode,
                         Durability durability = Durability::kDurable);

}  // namespace oslayer
