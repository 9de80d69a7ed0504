// Resource limits on a cgroup (the isolators resource/memory, resource/cpu and
// os/linux/cpu-shares) and the OOM killer's count, on cgroup v1, hybrid and v2-only hosts. The
// conversion from limits to cgroup file values is pure and unit-tested; applying them writes the
// files of the hierarchy that holds each controller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/cgroup.h"
#include "oslayer/result.h"

namespace oslayer {

struct CgroupLimits {
  std::optional<int64_t> memory_bytes;    // > 0
  std::optional<int64_t> cpu_millicores;  // > 0
  std::optional<int64_t> cpu_shares;      // 2..262144, v1's unit
  bool empty() const { return !memory_bytes && !cpu_millicores && !cpu_shares; }
  bool operator==(const CgroupLimits&) const = default;
};

// The CFS period every Rocket cgroup gets (the kernel's default): 100 ms.
inline constexpr int64_t kCfsPeriodUs = 100000;
// The kernel refuses quotas below 1 ms.
inline constexpr int64_t kMinCfsQuotaUs = 1000;
// The largest quota the kernel takes (max_cfs_runtime: 2^44 - 1 ns, in microseconds).
inline constexpr int64_t kMaxCfsQuotaUs = ((int64_t{1} << 44) - 1) / 1000;

// Millicores as a quota per kCfsPeriodUs (systemd's CPUQuota=, which rkt used: 1000m = 100 %),
// at least kMinCfsQuotaUs, at most kMaxCfsQuotaUs.
int64_t cfs_quota_us(int64_t millicores);
// cgroup v1 cpu.shares to v2 cpu.weight as systemd converts CPUShares= (1024, the v1 default,
// is 100, the v2 default), clamped to 1..10000.
int64_t cpu_weight_of_shares(int64_t shares);

// One value to write: `file` in the directory of the hierarchy holding `controller`.
struct CgroupWrite {
  std::string controller;  // "memory", "cpu"
  std::string file;
  std::string value;
  bool operator==(const CgroupWrite&) const = default;
};
// What `limits` means as files, in the order to write them, for a v1 hierarchy and for v2.
std::vector<CgroupWrite> v1_limit_writes(const CgroupLimits& limits);
std::vector<CgroupWrite> v2_limit_writes(const CgroupLimits& limits);

// The count on the "oom_kill N" line of memory.oom_control (v1, Linux 4.13+) or memory.events
// (v2); nullopt when there is no such line.
std::optional<uint64_t> parse_oom_kill_count(std::string_view text);

// cgroup v2: enables `controllers` ("memory", "cpu") for the children of `set`'s unified
// directory, first in its parent when the parent has not delegated them (possible only where
// the parent holds no process). Controllers a v1 hierarchy of `set` provides are skipped.
Status enable_v2_controllers(const CgroupSet& set, const std::vector<std::string>& controllers);
// The v2 controllers that `limits` needs (for enable_v2_controllers).
std::vector<std::string> controllers_for(const CgroupLimits& limits);

// Writes `limits` into `set`: each controller in its v1 hierarchy when the set has one, else in
// the unified directory. A limit whose controller is in neither is an error that names it.
Status apply_cgroup_limits(const CgroupSet& set, const CgroupLimits& limits);

// How many processes of `set` the OOM killer killed (v1 memory.oom_control, v2 memory.events);
// nullopt when the set has no memory controller or the kernel does not count.
std::optional<uint64_t> read_oom_kills(const CgroupSet& set);

}  // namespace oslayer
