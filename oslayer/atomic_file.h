// Crash-safe file replacement: a reader sees the old content or the new, never a mix.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// Writes `data` to a temporary file next to `name` (relative to directory fd `dir`), fsyncs it,
// renames it over `name`, then fsyncs the directory so the rename itself is durable. On failure the
// temporary file is removed and `name` is untouched.
Status write_file_atomic(int dir, const std::string& name, std::string_view data, mode_t mode);

}  // namespace oslayer
