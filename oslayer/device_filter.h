// Device access for cgroup v2: there is no devices.allow file, a cgroup's device access is an
// eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to it. This builds one from the same rules
// as v1's devices.allow ("c 1:3 rwm", "b *:* m") and attaches it.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

struct DeviceRule {
  char type = 'a';      // 'c', 'b' or 'a' (any)
  int64_t major = -1;   // -1: any
  int64_t minor = -1;   // -1: any
  uint32_t access = 0;  // BPF_DEVCG_ACC_* bits: m (mknod), r, w
  bool operator==(const DeviceRule&) const = default;
};

// Pure: one v1 rule, "TYPE MAJOR:MINOR ACCESS" with '*' for any number.
Result<DeviceRule> parse_device_rule(std::string_view rule);

// Pure: the program's instructions; it allows an access that some rule allows, denies the rest.
std::vector<bpf_insn> device_filter_program(const std::vector<DeviceRule>& allow);

// Loads the program for `allow` and attaches it to the cgroup2 directory `cgroup_dir` (with
// BPF_F_ALLOW_MULTI, so programs of the parent cgroups still apply). The kernel keeps it for as
// long as the cgroup exists.
Status attach_device_filter(const std::string& cgroup_dir, const std::vector<DeviceRule>& allow);

}  // namespace oslayer
