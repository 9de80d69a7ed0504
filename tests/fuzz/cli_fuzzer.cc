// libFuzzer target over rkt's command line: the input, split at NUL bytes, is argv (without
// argv[0]). It goes through the parser every command uses (global flags, command names and
// prefixes, Boost.Program_options), then for `run` and `prepare` through the per-image word
// parser (per-app flags, "-- args ---"), the isolator flags and the DNS and hosts flags: all of
// it before any pod exists, on input a script or a scheduler builds. Nothing is executed.
#include <cstdint>
#include <string>
#include <vector>

#include "stage0/command_line.h"
#include "stage0/command_table.h"
#include "stage0/global_config.h"
#include "stage0/run/isolator_flags.h"
#include "stage0/run/pod_start.h"
#include "stage0/run/run_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size && args.size() <= 64; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  stage0::FlagSet globals;
  stage0::add_global_flags(globals);
  auto cl = stage0::parse_command_line(args, globals, stage0::command_table());
  if (!cl || cl->command == nullptr) return 0;
  const std::string name(cl->command->name);
  if (name != "run" && name != "prepare") return 0;
  auto apps = stage0::run::parse_app_words(cl->args, cl->flags, true);
  if (!apps) return 0;
  for (const auto& app : *apps) (void)stage0::run::isolators_from_flags(app);
  if (name == "run") {
    (void)stage0::run::parse_hosts_entries(cl->flags.get_all("hosts-entry"));
    (void)stage0::run::hosts_entry_is_host(cl->flags.get_all("hosts-entry"));
    (void)stage0::run::parse_dns(cl->flags.get_all("dns"), cl->flags.get_all("dns-search"),
                                 cl->flags.get_all("dns-opt"), cl->flags.get_string("dns-domain"));
  }
  return 0;
}
