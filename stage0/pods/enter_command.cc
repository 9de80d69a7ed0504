// `rkt enter [--app=NAME] UUID [CMD [ARGS...]]`: runs CMD (default: the app's /bin/sh) inside a
// running pod's app, through the pod's stage1 `enter` entrypoint, which this process becomes
// (exec), so that the command's exit status is rkt's and the terminal is passed straight through.
// stage1 applies the app's whole isolation (Documentation/devel/stage1-interface.md).
#include <unistd.h>

#include <chrono>
#include <thread>

#include "oslayer/credentials.h"
#include "stage0/commands.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_info.h"
#include "stage0/pods/require_root.h"
#include "stage0/pods/stage1_entrypoint.h"

extern char** environ;

namespace stage0 {
namespace {

using oslayer::Error;
using oslayer::Result;

void add_enter_flags(FlagSet& flags) {
  flags.add_string("app", "", "name of the app to enter within the specified pod");
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// --app, or the pod's only app.
Result<std::string> choose_app(const std::string& uuid, const appc::PodManifest& manifest,
                               const std::string& wanted) {
  std::vector<std::string> names;
  for (const auto& a : manifest.apps) names.push_back(a.name.str());
  if (!wanted.empty()) {
    for (const auto& n : names) {
      if (n == wanted) return n;
    }
    return Error::msg("pod " + uuid + " has no app \"" + wanted + "\" (its apps: " + joined(names) +
                      ")");
  }
  if (names.size() == 1) return names.front();
  if (names.empty()) return Error::msg("pod " + uuid + " has no apps");
  return Error::msg("pod " + uuid + " has " + std::to_string(names.size()) +
                    " apps: choose one with --app (" + joined(names) + ")");
}

// A pod just started may not have written its pid or started every app yet: wait (as rkt did
// for the pid) while it is running.
Result<int> wait_until_entered_possible(const std::string& data_dir, pods::PodRef& ref) {
  for (;;) {
    if (ref.state != pods::PodState::kRunning) {
      return Error::msg("pod " + ref.uuid + " is not running (" +
                        std::string(pods::state_name(ref.state)) + ")");
    }
    auto pid = pods::read_pid(ref);
    if (pid && pods::read_ready(ref)) return *pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto r = pods::refresh_pod(data_dir, ref.uuid);
    if (!r) return std::move(r).error().context("pod " + ref.uuid + " disappeared");
    ref = std::move(*r);
  }
}

Result<int> run_enter(const Invocation& inv) {
  if (auto st = pods::require_root(); !st) return std::move(st).error();
  auto ref = pods::find_pod(inv.global.dir, inv.args.front());
  if (!ref) return std::move(ref).error().context("cannot get pod");
  if (ref->state != pods::PodState::kRunning) {
    return Error::msg("pod " + ref->uuid + " is not running (" +
                      std::string(pods::state_name(ref->state)) + ")");
  }
  auto info = pods::read_pod_info(*ref);
  if (!info) return std::move(info).error().context("pod " + ref->uuid);
  if (!info->manifest) return Error::msg("pod " + ref->uuid + ": cannot read its manifest");
  auto app = choose_app(ref->uuid, *info->manifest, inv.flags.get_string("app"));
  if (!app) return std::move(app).error();
  auto pid = wait_until_entered_possible(inv.global.dir, *ref);
  if (!pid) return std::move(pid).error();
  auto entrypoint = pods::stage1_entrypoint_path(inv.global.dir, *ref, "enter");
  if (!entrypoint) return std::move(entrypoint).error();

  std::vector<std::string> argv = {*entrypoint, "--pid=" + std::to_string(*pid),
                                   "--appname=" + *app};
  if (inv.global.debug) argv.emplace_back("--debug");
  argv.emplace_back("--");
  argv.insert(argv.end(), inv.args.begin() + 1, inv.args.end());
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  // The entrypoint runs with the pod dir as its current directory, like every other one.
  if (auto st = oslayer::change_directory(ref->path); !st) return std::move(st).error();
  return oslayer::execute(*entrypoint, argv, env).context("running stage1 enter entrypoint");
}

}  // namespace

const Command kEnterCommand = {
    .name = "enter",
    .summary = "Enter the namespaces of an app within a rkt pod",
    .usage = "[--app=APPNAME] UUID [CMD [ARGS...]]",
    .description =
        "Run CMD (default: /bin/sh, when the app has one) inside the running app of pod UUID, as\n"
        "the app's own processes run: its mount, PID, UTS, IPC and network namespaces, its root\n"
        "and working directory, its cgroup, user, groups, environment, capabilities, seccomp\n"
        "filter and no_new_privs. --app is needed when the pod has more than one app. The exit\n"
        "status is CMD's; 254 when the command could not be run.",
    .min_args = 1,
    .max_args = kUnlimitedArgs,
    .add_flags = add_enter_flags,
    .run = run_enter,
    .interspersed = false,
};

}  // namespace stage0
