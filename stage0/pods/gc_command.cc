// `rkt gc`: rkt's two passes. Mark: exited pods move to exited-garbage/, aborted prepares,
// abandoned embryos and prepared pods older than --expire-prepared to garbage/ (the rename stamps
// the dir's ctime, which starts the grace period). Sweep: exited-garbage/ entries past
// --grace-period and every garbage/ entry are locked, cleaned by stage1's gc entrypoint (pods that
// ran) and removed.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <vector>

#include "oslayer/log.h"
#include "stage0/commands.h"
#include "stage0/duration.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_removal.h"
#include "stage0/pods/prepare_lock.h"
#include "stage0/pods/require_root.h"

namespace stage0 {
namespace {

void add_gc_flags(FlagSet& flags) {
  flags.add_string("grace-period", "30m0s",
                   "duration to wait before discarding inactive pods from garbage");
  flags.add_string("expire-prepared", "24h0m0s", "duration to wait before expiring prepared pods");
  flags.add_bool("mark-only", false,
                 "if set to true, then the exited/aborted pods will be moved to the garbage "
                 "directories without actually deleting them, this is useful for marking the exit "
                 "time of a pod");
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The dir's ctime: when it was last renamed into its state dir. 0 when it is gone.
int64_t ctime_ns(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) return 0;
  return static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
}

// Locks and renames one pod; a pod busy or gone meanwhile is skipped silently, as rkt's
// concurrent gc and run must not fail each other.
void mark(const std::string& data_dir, pods::PodRef ref, std::string_view to,
          const std::string& message) {
  auto lock = pods::lock_pod(ref);
  if (!lock) return;
  pods::print_err(message);
  if (auto st = pods::move_pod(data_dir, ref, to); !st && st.error().code() != ENOENT) {
    oslayer::log_error(std::move(st).error().context("rename error"));
  }
}

// A pod dir is unlocked only between its mkdir in embryo/ and its lock, and it is renamed to
// prepare/ right after: one still in embryo/ was left there by a `prepare` or `run` killed at
// that moment, and nothing else will ever take it. Every creator holds the prepare lock shared
// across those steps, so with it held exclusively no embryo is still being made; when a
// creator holds it, the embryos wait for the next gc.
void mark_abandoned_embryos(const std::string& data_dir, const std::vector<pods::PodRef>& all) {
  if (std::none_of(all.begin(), all.end(),
                   [](const pods::PodRef& p) { return p.state == pods::PodState::kEmbryo; })) {
    return;
  }
  auto quiet = pods::try_prepare_lock_exclusive(data_dir);
  if (!quiet) return;
  for (const auto& p : all) {
    if (p.state != pods::PodState::kEmbryo) continue;
    mark(data_dir, p, pods::kGarbageDir,
         "moving abandoned pod " + pods::quoted(p.uuid) + " to garbage");
  }
}

oslayer::Result<int> run_gc(const Invocation& inv) {
  if (auto st = pods::require_root(); !st) return std::move(st).error();
  auto grace = parse_go_duration(inv.flags.get_string("grace-period"));
  if (!grace) return std::move(grace).error().context("--grace-period");
  auto expire = parse_go_duration(inv.flags.get_string("expire-prepared"));
  if (!expire) return std::move(expire).error().context("--expire-prepared");
  const std::string& dir = inv.global.dir;

  auto all = pods::list_pods(dir);
  if (!all) return std::move(all).error().context("failed to rename exited pods");
  for (const auto& p : *all) {
    if (p.state == pods::PodState::kExited) {
      mark(dir, p, pods::kExitedGarbageDir, "moving pod " + pods::quoted(p.uuid) + " to garbage");
    } else if (p.state == pods::PodState::kAbortedPrepare) {
      mark(dir, p, pods::kGarbageDir,
           "moving failed prepare " + pods::quoted(p.uuid) + " to garbage");
    }
  }
  mark_abandoned_embryos(dir, *all);
  if (inv.flags.get_bool("mark-only")) return kExitOk;
  for (const auto& p : *all) {
    if (p.state != pods::PodState::kPrepared) continue;
    int64_t ct = ctime_ns(p.path);
    if (ct != 0 && now_ns() > ct + expire->count()) {
      mark(dir, p, pods::kGarbageDir,
           "moving expired prepared pod " + pods::quoted(p.uuid) + " to garbage");
    }
  }

  // Sweep: list again, the marks above moved pods.
  auto marked = pods::list_pods(dir);
  if (!marked) return std::move(marked).error().context("failed to empty garbage");
  pods::DeleteOptions opts{dir, inv.global.local_config, inv.global.debug};
  size_t failures = 0;
  for (const auto& p : *marked) {
    bool ran = p.state == pods::PodState::kExitedGarbage;
    if (!ran && p.state != pods::PodState::kGarbage) continue;
    if (ran) {
      int64_t ct = ctime_ns(p.path);
      if (ct == 0) continue;
      if (now_ns() <= ct + grace->count()) {
        pods::print_err("pod " + pods::quoted(p.uuid) +
                        " not removed: still within grace period (" + format_go_duration(*grace) +
                        ")");
        continue;
      }
    }
    auto lock = pods::lock_pod(p);
    if (!lock) continue;  // being deleted by another gc or rm
    if (auto st = pods::print_out("Garbage collecting pod " + pods::quoted(p.uuid) + "\n"); !st) {
      return std::move(st).error();
    }
    if (auto st = pods::delete_pod(opts, p, ran); !st) {
      oslayer::log_error(st.error());
      ++failures;
    }
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace

const Command kGcCommand = {
    .name = "gc",
    .summary = "Garbage collect rkt pods no longer in use",
    .usage = "[--grace-period=duration] [--expire-prepared=duration]",
    .description =
        "This is intended to be run periodically from a timer or cron job.\n\n"
        "Garbage collection is a 2-step process. First, stopped pods are moved to the\n"
        "garbage by one invocation of the gc command. A subsequent invocation will clean\n"
        "up the pod, assuming the pod has been in the garbage for more time than the\n"
        "specified grace period.\n\n"
        "Use --grace-period=0s to effectively disable the grace-period.",
    .min_args = 0,
    .max_args = 0,
    .add_flags = add_gc_flags,
    .run = run_gc,
};

}  // namespace stage0
