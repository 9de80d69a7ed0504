// The pod's PID 1 (stage1-interface.md): sets the hostname, starts every app in manifest
// order, reaps every process of the pod, records each app's exit status, and stops the pod when
// an app fails or a stop is requested. Its exit code is the pod's.
#pragma once

#include "stage1/pod_cgroups.h"
#include "stage1/pod_config.h"

namespace stage1 {

// The signals the supervisor handles; /init blocks them before the clone, so the supervisor
// never misses one that arrives while it starts.
sigset_t supervisor_signals();

// Runs in the new PID namespace with the current directory = the pod dir. `ready_fd` gets one
// byte once every app runs (for /init's sd_notify) and is then closed. `cgroups_ready_fd` is
// where /init says the pod's cgroups are made (pod_cgroups.h): each app's child waits for it.
int run_supervisor(const PodConfig& config, const PodCgroups& cgroups, int ready_fd,
                   int cgroups_ready_fd);

}  // namespace stage1
