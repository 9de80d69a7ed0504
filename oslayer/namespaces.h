// Namespaces and child processes. A child made here runs a function and exits with what it
// returns: it never returns into, or unwinds through, the caller's frames.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "oslayer/result.h"

namespace oslayer {

// A child process that is killed (SIGKILL) and reaped when dropped, unless released or waited.
class Child {
 public:
  Child() = default;
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& o) noexcept : pid_(o.release()) {}
  Child& operator=(Child&& o) noexcept;
  ~Child() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  bool valid() const { return pid_ > 0; }
  // Leaves the child running and unowned.
  pid_t release() {
    pid_t p = pid_;
    pid_ = -1;
    return p;
  }
  // Blocks until the child ends; returns its raw wait status. The Child is then empty.
  Result<int> wait();
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
};

// clone(2) with `flags` (CLONE_NEW*; SIGCHLD is added) on a fresh stack: `fn` runs in the child
// and its return value is the child's exit code. The child owns a copy of the address space, so
// fn may use anything the caller had; it must not return into the caller (it cannot: the stack
// is its own) and should end with a return, not exit(), so that no atexit handler runs twice.
//
// With `cgroup_fd` (a cgroup2 directory, see CgroupSet::open_unified), the child is created in
// that cgroup (clone3 with CLONE_INTO_CGROUP, Linux 5.7): unlike a later write to cgroup.procs,
// that takes the kernel's cgroup_threadgroup_rwsem only for reading, so it never waits for the
// RCU grace period the write side does after a quiet spell (10 to 15 ms here).
Result<Child> clone_child(int flags, std::function<int()> fn, int cgroup_fd = -1);
// fork(2) with the same contract as clone_child.
Result<Child> fork_child(std::function<int()> fn, int cgroup_fd = -1);

// The exit code a shell would report for a wait status: the code, or 128+N for signal N.
int exit_code_of(int wait_status);

Status unshare_namespaces(int flags);
Status set_hostname(const std::string& name);
// setns(2) into the namespace of `ns_fd` (e.g. /proc/PID/ns/mnt); nstype 0 accepts any kind.
Status join_namespace(int ns_fd, int nstype);

}  // namespace oslayer
