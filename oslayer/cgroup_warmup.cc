// start_cgroup_lock_warmup (cgroup.h): why a no-op cgroup move makes a pod start sooner.
//
// Every write to a cgroup.procs file takes cgroup_threadgroup_rwsem, a per-CPU rwsem, for
// writing. Its writer first switches readers (fork, exit) to their slow path through rcu_sync,
// which waits for an RCU grace period unless another writer did so within about the last grace
// period. `/init` must move the pod's PID 1 into the pod cgroup before it may go on, so that
// wait sat on every `rkt run`'s critical path. A move of our own process into its own cgroup
// changes nothing but starts the same grace period early, while stage0 does its other work.
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "oslayer/cgroup.h"

namespace oslayer {
namespace {

// How long the lock is kept warm: stage0 normally execs stage1 within a few ms; a run that first
// fetches an image takes longer, and then the early start simply does not help.
constexpr int kWarmMoves = 250;
constexpr long kWarmIntervalNs = 2'000'000;

void* move_into_own_cgroup(void* arg) {
  auto* procs = static_cast<std::string*>(arg);
  int fd = ::open(procs->c_str(), O_WRONLY | O_CLOEXEC);
  delete procs;
  if (fd < 0) return nullptr;
  std::string pid = std::to_string(::getpid());
  // The first move waits for the grace period. Moving again every few ms keeps the lock's fast
  // path for writers open until exec ends this thread, and for about a grace period after: the
  // time stage1 takes to reach its own move.
  for (int i = 0; i < kWarmMoves; ++i) {
    if (::write(fd, pid.data(), pid.size()) < 0) break;
    timespec pause{0, kWarmIntervalNs};
    ::nanosleep(&pause, nullptr);
  }
  ::close(fd);
  return nullptr;
}

}  // namespace

void start_cgroup_lock_warmup(const CgroupLayout& layout) {
  if (layout.hierarchies.empty()) return;
  const CgroupHierarchy& h = layout.hierarchies.front();
  auto* procs = new std::string(h.mount_point + "/" + h.own_path + "/cgroup.procs");
  pthread_attr_t attr;
  if (::pthread_attr_init(&attr) != 0) {
    delete procs;
    return;
  }
  (void)::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // The thread only opens, writes and closes: a small stack is plenty.
  (void)::pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  if (::pthread_create(&thread, &attr, move_into_own_cgroup, procs) != 0) delete procs;
  (void)::pthread_attr_destroy(&attr);
}

}  // namespace oslayer
