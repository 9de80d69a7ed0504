#include "oslayer/namespaces.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {
namespace {

// The child's stack. Pages are only touched as used, so this costs little; a guard page below
// turns an overflow into a crash instead of silent corruption.
constexpr size_t kStackSize = 1024 * 1024;

int run_function(void* arg) {
  auto* fn = static_cast<std::function<int()>*>(arg);
  return (*fn)();
}

// clone3 without a stack of its own behaves as fork(2) does: the child goes on from here on a
// copy of ours.
Result<Child> clone_into_cgroup(int flags, std::function<int()>& fn, int cgroup_fd) {
  clone_args args{};
  args.flags = static_cast<uint64_t>(flags) | CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<uint64_t>(cgroup_fd);
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) {
    return Error::sys(errno, "creating a child process in its cgroup (clone3 CLONE_INTO_CGROUP)");
  }
  if (pid == 0) ::_exit(fn());
  return Child(static_cast<pid_t>(pid));
}

}  // namespace

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    pid_ = o.release();
  }
  return *this;
}

Result<int> Child::wait() {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) break;
    if (r < 0 && errno == EINTR) continue;
    return Error::sys(errno, "waiting for process " + std::to_string(pid_));
  }
  pid_ = -1;
  return status;
}

void Child::kill_and_reap() {
  if (pid_ <= 0) return;
  // The child may be gone already; what matters is that it is not left running or a zombie.
  (void)::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Result<Child> clone_child(int flags, std::function<int()> fn, int cgroup_fd) {
  if (cgroup_fd >= 0) return clone_into_cgroup(flags, fn, cgroup_fd);
  void* stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) return Error::sys(errno, "allocating a stack for a child");
  long page = ::sysconf(_SC_PAGESIZE);
  if (::mprotect(stack, static_cast<size_t>(page), PROT_NONE) < 0) {
    int err = errno;
    ::munmap(stack, kStackSize);
    return Error::sys(err, "protecting a child's stack");
  }
  char* top = static_cast<char*>(stack) + kStackSize;
  pid_t pid = ::clone(run_function, top, flags | SIGCHLD, &fn);
  int err = errno;
  // Without CLONE_VM the child has its own copy of the stack mapping; ours can go now.
  ::munmap(stack, kStackSize);
  if (pid < 0) return Error::sys(err, "creating a child process");
  return Child(pid);
}

Result<Child> fork_child(std::function<int()> fn, int cgroup_fd) {
  if (cgroup_fd >= 0) return clone_into_cgroup(0, fn, cgroup_fd);
  pid_t pid = ::fork();
  if (pid < 0) return Error::sys(errno, "forking");
  if (pid == 0) ::_exit(fn());
  return Child(pid);
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 254;
}

Status unshare_namespaces(int flags) {
  if (::unshare(flags) < 0) return Error::sys(errno, "unsharing namespaces");
  return ok();
}

Status set_hostname(const std::string& name) {
  if (::sethostname(name.data(), name.size()) < 0) {
    return Error::sys(errno, "setting the hostname to " + name);
  }
  return ok();
}

Status join_namespace(int ns_fd, int nstype) {
  if (::setns(ns_fd, nstype) < 0) return Error::sys(errno, "joining a namespace");
  return ok();
}

}  // namespace oslayer
