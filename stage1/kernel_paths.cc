#include "stage1/kernel_paths.h"

namespace stage1 {

std::vector<ProtectedPath> protected_proc_paths(bool disable_paths) {
  if (disable_paths) return {};
  using P = PathProtection;
  return {
      // Kernel memory, symbols, keys and timing side channels.
      {"kcore", P::kMaskFile},
      {"kmem", P::kMaskFile},
      {"mem", P::kMaskFile},
      {"kallsyms", P::kMaskFile},
      {"config.gz", P::kMaskFile},
      {"keys", P::kMaskFile},
      {"timer_list", P::kMaskFile},
      {"timer_stats", P::kMaskFile},
      {"sched_debug", P::kMaskFile},
      {"latency_stats", P::kMaskFile},
      {"interrupts", P::kMaskFile},
      {"acpi", P::kMaskDir},
      {"asound", P::kMaskDir},
      {"scsi", P::kMaskDir},
      // Host-wide settings: readable, not writable (sysrq-trigger: "echo b" reboots the host).
      {"sys", P::kReadOnly},
      {"sysrq-trigger", P::kReadOnly},
      {"bus", P::kReadOnly},
      {"fs", P::kReadOnly},
      {"irq", P::kReadOnly},
  };
}

std::vector<ProtectedPath> protected_sys_paths(bool disable_paths) {
  if (disable_paths) return {};
  using P = PathProtection;
  // /sys itself is mounted read-only; these are hidden altogether.
  return {
      {"firmware", P::kMaskDir},
      {"devices/virtual/powercap", P::kMaskDir},
  };
}

}  // namespace stage1
