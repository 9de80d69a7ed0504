// Random names and bytes from getrandom(2). std::random_device is not used: each one made asks
// the CPU whether it has RDRAND/RDSEED with `cpuid`, which a hypervisor traps (5 to 12 us here),
// and a temporary file name is made on every pod start several times over.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// Fills `out` with `size` random bytes (blocks only until the kernel's pool is first seeded).
[[nodiscard]] Status random_bytes(void* out, size_t size);
// `length` characters drawn uniformly from `alphabet` (at most 256 characters).
[[nodiscard]] Result<std::string> random_text(size_t length, std::string_view alphabet);

}  // namespace oslayer
