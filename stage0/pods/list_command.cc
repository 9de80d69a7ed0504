// `rkt list`: every pod, one row per app, or api/v1 JSON. A pod that cannot be read fully is
// still listed with what could be read; the problems are printed after the table, as rkt did.
#include <chrono>

#include "oslayer/log.h"
#include "stage0/build_info.h"
#include "stage0/commands.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_format.h"
#include "stage0/table_writer.h"

namespace stage0 {
namespace {

void add_list_flags(FlagSet& flags) {
  flags.add_bool("no-legend", false, "suppress a legend with the list");
  flags.add_bool("full", false, "use long output format");
  flags.add_string("format", "",
                   "choose the output format, allowed format includes 'json', 'json-pretty'. If "
                   "empty, then the result is printed as key value pairs");
}

void print_error_block(const std::vector<std::string>& errors) {
  const std::string sep = "----------------------------------------";
  pods::print_err(std::to_string(errors.size()) + " error(s) encountered when listing pods:");
  pods::print_err(sep);
  for (const auto& e : errors) {
    pods::print_err(e);
    pods::print_err(sep);
  }
  pods::print_err("misc:");
  pods::print_err(std::string("  rkt's appc version: ") + ROCKET_APPC_VERSION);
  pods::print_err(sep);
  pods::print_err("");
}

oslayer::Result<int> run_list(const Invocation& inv) {
  const std::string& format = inv.flags.get_string("format");
  if (!format.empty() && format != "json" && format != "json-pretty") {
    return oslayer::Error::msg("--format must be json or json-pretty, not \"" + format + "\"");
  }
  auto refs = pods::list_pods(inv.global.dir);
  if (!refs) return std::move(refs).error().context("failed to get pod handles");
  std::vector<pods::PodInfo> infos;
  std::vector<std::string> errors;
  for (const auto& ref : *refs) {
    if (!pods::listed(ref.state)) continue;
    auto info = pods::read_pod_info(ref);
    if (!info) {
      // Gone since it was listed (removed by gc, say): not an error, it simply is no more.
      if (info.error().code() != ENOENT) errors.push_back(info.error().text());
      continue;
    }
    errors.insert(errors.end(), info->errors.begin(), info->errors.end());
    infos.push_back(std::move(*info));
  }
  std::string out;
  if (!format.empty()) {
    out = pods::dump_pods_json(infos, format == "json-pretty");
  } else {
    bool full = inv.flags.get_bool("full");
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    pods::TimeFormatter time = [&](int64_t ns) {
      return full ? absolute_time(ns) : human_time_ago(ns, now);
    };
    out = format_table(pods::list_rows(infos, full, inv.flags.get_bool("no-legend"), time));
  }
  if (auto st = pods::print_out(out); !st) return std::move(st).error();
  if (!errors.empty()) print_error_block(errors);
  return kExitOk;
}

}  // namespace

const Command kListCommand = {
    .name = "list",
    .summary = "List pods",
    .usage = "",
    .description = "Displays a table of information about the pods.",
    .min_args = 0,
    .max_args = 0,
    .add_flags = add_list_flags,
    .run = run_list,
};

}  // namespace stage0
