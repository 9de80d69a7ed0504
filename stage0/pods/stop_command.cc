// `rkt stop`: asks each running pod's stage1 to stop it (SIGTERM, or SIGKILL with --force) by
// running the stage1 `stop` entrypoint, and prints each stopped pod's UUID quoted, as rkt did.
#include "oslayer/log.h"
#include "stage0/commands.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_info.h"
#include "stage0/pods/stage1_entrypoint.h"

namespace stage0 {
namespace {

void add_stop_flags(FlagSet& flags) {
  flags.add_bool("force", false, "forced stopping");
  pods::add_uuid_file_flag(flags);
}

// One pod: ok, or the error that kept it from being stopped.
oslayer::Status stop_one(const Invocation& inv, const std::string& arg) {
  auto ref = pods::find_pod(inv.global.dir, arg);
  if (!ref) return std::move(ref).error().context("cannot get pod");
  if (pods::finished(ref->state) && pods::ran(ref->state)) {
    // rkt's IsAfterRun: stopping a stopped pod is not a failure, so ExecStop= lines and retries
    // stay idempotent.
    return pods::print_out("pod " + pods::quoted(ref->uuid) + " is already stopped\n");
  }
  if (ref->state != pods::PodState::kRunning) {
    return oslayer::Error::msg("pod " + pods::quoted(ref->uuid) + " is not running (" +
                               std::string(pods::state_name(ref->state)) + ")");
  }
  std::vector<std::string> args;
  if (inv.flags.get_bool("force")) args.emplace_back("--force");
  args.push_back(ref->uuid);
  auto rc = pods::run_stage1_entrypoint(inv.global.dir, *ref, "stop", args);
  if (!rc) return std::move(rc).error().context("error stopping " + pods::quoted(ref->uuid));
  if (*rc != 0) {
    return oslayer::Error::msg("error stopping " + pods::quoted(ref->uuid) +
                               ": stage1 stop entrypoint exited with status " +
                               std::to_string(*rc));
  }
  return pods::print_out(pods::quoted(ref->uuid) + "\n");
}

oslayer::Result<int> run_stop(const Invocation& inv) {
  auto uuids = pods::pod_args(inv);
  if (!uuids) return std::move(uuids).error();
  size_t failed = 0;
  for (const auto& arg : *uuids) {
    if (auto st = stop_one(inv, arg); !st) {
      oslayer::log_error(st.error());
      ++failed;
    }
  }
  if (failed != 0) {
    return oslayer::Error::msg("failed to stop " + std::to_string(failed) + " pod(s)");
  }
  return kExitOk;
}

}  // namespace

const Command kStopCommand = {
    .name = "stop",
    .summary = "Stop a pod",
    .usage = "--uuid-file=FILE | UUID ...",
    .description =
        "Stop each running pod UUID through its stage1: gracefully (SIGTERM to the apps, then\n"
        "SIGKILL after the stop timeout), or at once with --force.",
    .min_args = 0,
    .max_args = kUnlimitedArgs,
    .add_flags = add_stop_flags,
    .run = run_stop,
};

}  // namespace stage0
