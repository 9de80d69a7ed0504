// Sysctls a pod may set for itself (the appc os/unix/sysctl isolator): only those whose value
// lives in a namespace the pod owns, so that setting one can never change the host. The checks
// are pure (stage0 runs them before a pod exists); the write happens in the pod's namespaces.
#pragma once

#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// The pod namespace that holds a sysctl's value.
enum class SysctlScope { kIpc, kNet };

// `name` in sysctl(8)'s dotted form ("kernel.shmmax"). Allowed: the IPC namespace's
// (kernel.shm*, kernel.msg*, kernel.sem*, fs.mqueue.*) and, when the pod has a network namespace
// of its own (`own_net`), net.*. Refused with the reason: a malformed name, a global sysctl,
// kernel.hostname and kernel.domainname (the UTS namespace's: --hostname sets them), net.* on
// the host's network.
Result<SysctlScope> check_sysctl_name(std::string_view name, bool own_net);

// A value the kernel could parse for `name`: one line of printable ASCII, at most a page, and
// integers where the sysctl is numeric (every IPC one; kernel.sem takes four).
Status check_sysctl_value(std::string_view name, std::string_view value);

// Both checks; the error names the sysctl ("sysctl vm.swappiness: ...").
Status check_sysctl(std::string_view name, std::string_view value, bool own_net);

// Writes `value` to /proc/sys/<name> under `proc_root`, the root of a proc mount. The kernel
// resolves IPC and network sysctls in the namespaces of the calling process, so the caller must
// already be in the pod's.
Status write_sysctl(int proc_root, std::string_view name, std::string_view value);

}  // namespace oslayer
