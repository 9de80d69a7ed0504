// Joining a running process from outside it, as `rkt enter` joins an app: a pidfd that names the
// process for good (a recycled PID cannot be mistaken for it once the pidfd is open), all of its
// namespaces entered through that pidfd in one setns(2), and its cgroups, whose cgroup.procs
// files are opened while the host's cgroup filesystems are still visible, so that a child made
// after the switch of mount namespace can still be moved in.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

// pidfd_open(2) (Linux 5.3).
Result<Fd> open_pidfd(pid_t pid);

// setns(pidfd, flags): every namespace named in `flags` (CLONE_NEW*) of the process at once
// (Linux 5.8). A PID namespace applies to the children made afterwards; a mount namespace also
// sets the root and the working directory to that namespace's root (after a pivot_root there:
// the pivoted root).
Status join_namespaces_of(int pidfd, int flags);

// The innermost PID of a process (the last field of NSpid in /proc/PID/status): its PID in its
// own PID namespace. Pure, on the text of the status file.
Result<pid_t> innermost_pid(std::string_view proc_status);

// The cgroups a process is in, in every pod hierarchy (kPodControllers and the unified tree)
// mounted in our mount namespace, as open cgroup.procs files.
class CgroupJoin {
 public:
  // Reads /proc/<pid>/cgroup and /proc/self/mountinfo and opens each cgroup.procs for writing.
  static Result<CgroupJoin> of_process(pid_t pid);
  // Moves `pid` (as seen from our PID namespace) into every one of those cgroups.
  Status add_process(pid_t pid) const;
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<Fd> procs_;
  std::vector<std::string> paths_;  // the cgroup directories, for messages
};

// PR_SET_DUMPABLE. A process that is not dumpable cannot be ptraced, and its /proc files are
// root's, by processes without CAP_SYS_PTRACE; execve makes it dumpable again.
Status set_dumpable(bool dumpable);

}  // namespace oslayer
