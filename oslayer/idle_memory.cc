#include "oslayer/idle_memory.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace oslayer {
namespace {

// Kept resident below the caller's frame: what the wait loop and its syscalls use again.
constexpr uintptr_t kStackMargin = 16 * 1024;

// The start of the mapping that holds `addr`, from /proc/self/maps; 0 when not found.
uintptr_t mapping_start(uintptr_t addr) {
  FILE* maps = std::fopen("/proc/self/maps", "re");
  if (maps == nullptr) return 0;
  uintptr_t found = 0;
  unsigned long lo = 0;
  unsigned long hi = 0;
  char line[512];
  while (std::fgets(line, sizeof line, maps) != nullptr) {
    if (std::sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= addr && addr < hi) {
      found = lo;
      break;
    }
  }
  std::fclose(maps);
  return found;
}

}  // namespace

void release_idle_memory() {
  ::malloc_trim(0);
  // The start-up's deep call chains (manifest decoding, mounts, forks) dirtied stack pages far
  // below where the wait loop runs; without this they stay resident for the pod's whole life.
  volatile char here = 0;
  auto sp = reinterpret_cast<uintptr_t>(&here);
  auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t start = mapping_start(sp);
  if (start == 0 || sp < start + kStackMargin) return;
  uintptr_t end = (sp - kStackMargin) & ~(page - 1);
  if (end <= start) return;
  (void)::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
}

}  // namespace oslayer
