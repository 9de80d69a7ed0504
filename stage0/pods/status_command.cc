// `rkt status`: a pod's state, times, pid and the apps' exit statuses, as key=value lines or
// api/v1 JSON; --wait and --wait-ready poll the pod dir every 100 ms (rkt's interval) until the
// pod finished or its supervisor said it is ready.
#include <chrono>
#include <thread>

#include "stage0/commands.h"
#include "stage0/duration.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_format.h"
#include "stage0/table_writer.h"

namespace stage0 {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(100);

void add_status_flags(FlagSet& flags) {
  flags.add_optional_value("wait", "false", "true",
                           "toggles waiting for the pod to finish. Use the output to determine "
                           "the actual terminal state.");
  flags.add_optional_value("wait-ready", "false", "true",
                           "toggles waiting until the pod is ready.");
  flags.add_string("format", "",
                   "choose the output format. Allowed format includes 'json', 'json-pretty'. If "
                   "empty, then the result is printed as key value pairs");
  pods::add_uuid_file_flag(flags);
}

// rkt's parseDuration: "" or a true boolean wait forever (negative), a false boolean not at all
// (zero), anything else is a Go duration (negative again meaning forever).
oslayer::Result<std::chrono::nanoseconds> parse_wait(const std::string& flag,
                                                     const std::string& value) {
  if (value.empty()) return std::chrono::nanoseconds(-1);
  if (auto b = parse_go_bool(value)) {
    return *b ? std::chrono::nanoseconds(-1) : std::chrono::nanoseconds(0);
  }
  auto d = parse_go_duration(value);
  if (!d) {
    return oslayer::Error::msg("--" + flag + "=" + value +
                               ": neither a boolean nor a duration such as 30s or 1m30s");
  }
  return *d;
}

// Polls `done` until it says so or `limit` (negative: none) is over.
template <class F>
oslayer::Status poll(std::chrono::nanoseconds limit, const std::string& what, F done) {
  auto deadline = Clock::now() + limit;
  for (;;) {
    auto d = done();
    if (!d) return std::move(d).error();
    if (*d) return oslayer::ok();
    if (limit.count() > 0 && Clock::now() + kPollInterval > deadline) {
      return oslayer::Error::msg(what + ": timed out after " + format_go_duration(limit));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

oslayer::Result<int> run_status(const Invocation& inv) {
  auto wait = parse_wait("wait", inv.flags.get_string("wait"));
  if (!wait) return std::move(wait).error();
  auto ready = parse_wait("wait-ready", inv.flags.get_string("wait-ready"));
  if (!ready) return std::move(ready).error();
  const std::string& format = inv.flags.get_string("format");
  if (!format.empty() && format != "json" && format != "json-pretty") {
    return oslayer::Error::msg("--format must be json or json-pretty, not \"" + format + "\"");
  }
  auto uuids = pods::pod_args(inv);
  if (!uuids) return std::move(uuids).error();
  if (uuids->size() != 1) return oslayer::Error::msg("status takes exactly one pod");
  auto ref = pods::find_pod(inv.global.dir, uuids->front());
  if (!ref) return std::move(ref).error().context("problem retrieving pod");
  const std::string uuid = ref->uuid;

  auto refresh = [&]() -> oslayer::Status {
    auto r = pods::refresh_pod(inv.global.dir, uuid);
    if (!r) return std::move(r).error().context("pod " + uuid + " disappeared");
    *ref = std::move(*r);
    return oslayer::ok();
  };
  if (ready->count() != 0) {
    auto st = poll(*ready, "error waiting for pod readiness", [&]() -> oslayer::Result<bool> {
      if (auto r = refresh(); !r) return std::move(r).error();
      return pods::read_ready(*ref);
    });
    if (!st) return std::move(st).error();
  }
  if (wait->count() != 0) {
    auto st = poll(*wait, "error waiting for pod to finish", [&]() -> oslayer::Result<bool> {
      if (auto r = refresh(); !r) return std::move(r).error();
      return pods::finished(ref->state);
    });
    if (!st) return std::move(st).error();
  }
  // A pod that just started may not have written its pid yet: give it a moment, as rkt did.
  if (ref->state == pods::PodState::kRunning && !pods::read_pid(*ref)) {
    (void)poll(std::chrono::seconds(1), "",
               [&]() -> oslayer::Result<bool> { return pods::read_pid(*ref).has_value(); });
  }
  auto info = pods::read_pod_info(*ref);
  if (!info) return std::move(info).error().context("unable to print status");
  std::string out;
  if (!format.empty()) {
    out = pods::dump_pod_json(*info, format == "json-pretty");
  } else {
    out = pods::status_text(*info, [](int64_t ns) { return absolute_time(ns); });
  }
  if (auto st = pods::print_out(out); !st) return std::move(st).error();
  return kExitOk;
}

}  // namespace

const Command kStatusCommand = {
    .name = "status",
    .summary = "Check the status of a rkt pod",
    .usage = "[--wait=bool|timeout] [--wait-ready=bool|timeout] --uuid-file=FILE | UUID",
    .description =
        "Prints assorted information about the pod such as its state, pid and exit status.\n\n"
        "The --wait and --wait-ready flags accept boolean or timeout values. If set to true, wait\n"
        "indefinitely. If set to false, don't wait at all. They can also be set to a duration. If\n"
        "the duration is less than zero, wait indefinitely. If the duration is zero, don't wait\n"
        "at all.",
    .min_args = 0,
    .max_args = 1,
    .add_flags = add_status_flags,
    .run = run_status,
};

}  // namespace stage0
