// Finding a running app's process from the host, for /enter: the supervisor (the pod's PID 1)
// forked it, and its launch record names its PID inside the pod, so it is the child of PID 1
// whose innermost PID is that one. Pure parsing of /proc text here, and one reader.
#pragma once

#include <sys/types.h>

#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace stage1 {

// /proc/PID/task/TID/children: space-separated PIDs.
oslayer::Result<std::vector<pid_t>> parse_children(std::string_view text);

// The fields of /proc/PID/status that identify a process from outside its PID namespace.
struct ProcessStatus {
  char state = '?';  // R, S, D, T, Z...
  pid_t ppid = 0;    // as seen by the reader
  pid_t inner = 0;   // in its own (innermost) PID namespace
};
oslayer::Result<ProcessStatus> parse_process_status(std::string_view text);

// The host PID of the child of `pid1` (a host PID) whose PID in the pod is `inner`, alive (not a
// zombie). Not found: ESRCH.
oslayer::Result<pid_t> find_app_process(pid_t pid1, pid_t inner);
// Whether `pid` is (still) that process: read again after a pidfd was opened for it, so that a
// PID recycled in between is noticed.
bool is_app_process(pid_t pid, pid_t pid1, pid_t inner);

}  // namespace stage1
