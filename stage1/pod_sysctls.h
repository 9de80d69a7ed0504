// The pod manifest's os/unix/sysctl isolator (stage1-interface.md): set by the pod's PID 1 in its
// own IPC (and, without --net=host, network) namespace before any app starts, so that every app
// sees the values and the host keeps its own.
#pragma once

#include <string_view>
#include <vector>

#include "appc-spec/isolators.h"
#include "oslayer/result.h"

namespace stage1 {

// Checks the names and values again (stage0 could not know the network of a prepared pod, and
// the pod manifest is input to this stage), then writes each. Runs in the pod's namespaces.
oslayer::Status set_pod_sysctls(const std::vector<appc::Isolator>& pod_isolators,
                                std::string_view net);

}  // namespace stage1
