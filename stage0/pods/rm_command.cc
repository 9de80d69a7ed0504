// `rkt rm`: removes the named pods that are not running (exited, prepared, aborted prepares,
// garbage) at once, with the same cleanup as gc. It looks each pod up by its UUID and never lists
// the others, so its cost does not grow with the number of pods (rkt issue #3960).
#include <cerrno>

#include "oslayer/log.h"
#include "stage0/commands.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_info.h"
#include "stage0/pods/pod_removal.h"
#include "stage0/pods/require_root.h"

namespace stage0 {
namespace {

void add_rm_flags(FlagSet& flags) { pods::add_uuid_file_flag(flags); }

oslayer::Status remove_one(const Invocation& inv, const std::string& arg) {
  auto ref = pods::find_pod(inv.global.dir, arg);
  if (!ref) return std::move(ref).error().context("cannot get pod");
  const std::string q = pods::quoted(ref->uuid);
  std::string_view target = pods::state_dir_of(ref->state);
  switch (ref->state) {
    case pods::PodState::kRunning:
      return oslayer::Error::msg("pod " + q + " is currently running");
    case pods::PodState::kEmbryo:
    case pods::PodState::kPreparing:
      return oslayer::Error::msg("pod " + q + " is currently being prepared");
    case pods::PodState::kDeleting:
    case pods::PodState::kExitedDeleting:
      return oslayer::Error::msg("pod " + q + " is currently being deleted");
    case pods::PodState::kAbortedPrepare:
      pods::print_err("moving failed prepare " + q + " to garbage");
      target = pods::kGarbageDir;
      break;
    case pods::PodState::kPrepared:
      pods::print_err("moving expired prepared pod " + q + " to garbage");
      target = pods::kGarbageDir;
      break;
    case pods::PodState::kExited:
      target = pods::kExitedGarbageDir;
      break;
    case pods::PodState::kExitedGarbage:
    case pods::PodState::kGarbage:
      break;
  }
  // The lock first, then the rename: a pod that run-prepared is taking, or that started since
  // it was looked up, makes the lock (or, if it moved, the rename) fail instead of being removed
  // from under its stage1.
  auto lock = pods::lock_pod(*ref);
  if (!lock) {
    if (lock.error().code() == EWOULDBLOCK || lock.error().code() == ENOENT) {
      return oslayer::Error::msg("pod " + q + " changed state while being removed (" +
                                 lock.error().text() + ")");
    }
    return std::move(lock).error().context("unable to acquire exclusive lock");
  }
  if (auto st = pods::move_pod(inv.global.dir, *ref, target); !st) {
    return std::move(st).error().context("rename error");
  }
  bool ran_stage1 = target == pods::kExitedGarbageDir;
  pods::DeleteOptions opts{inv.global.dir, inv.global.local_config, inv.global.debug};
  if (auto st = pods::delete_pod(opts, *ref, ran_stage1); !st) return st;
  return pods::print_out(q + "\n");
}

oslayer::Result<int> run_rm(const Invocation& inv) {
  if (auto st = pods::require_root(); !st) return std::move(st).error();
  auto uuids = pods::pod_args(inv);
  if (!uuids) return std::move(uuids).error();
  bool failed = false;
  for (const auto& arg : *uuids) {
    if (auto st = remove_one(inv, arg); !st) {
      oslayer::log_error(st.error());
      failed = true;
    }
  }
  if (failed) return oslayer::Error::msg("failed to remove one or more pods");
  return kExitOk;
}

}  // namespace

const Command kRmCommand = {
    .name = "rm",
    .summary = "Remove all files and resources associated with an exited pod",
    .usage = "--uuid-file=FILE | UUID ...",
    .description = "Unlike gc, rm allows users to remove specific pods.",
    .min_args = 0,
    .max_args = kUnlimitedArgs,
    .add_flags = add_rm_flags,
    .run = run_rm,
};

}  // namespace stage0
