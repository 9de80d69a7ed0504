// A subcommand of `rkt`: its name, help texts, own flags and run function. Each command lives in
// its own file and is listed once in command_table.cc; the driver (cli.cc) does the rest.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"
#include "stage0/flag_set.h"
#include "stage0/global_config.h"

namespace stage0 {

// rkt's exit codes (reference 1.2): usage errors are cobra's 2, every runtime failure is 254 so
// that it does not collide with an app's own exit code.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 254;

inline constexpr size_t kUnlimitedArgs = std::numeric_limits<size_t>::max();

// What a command's run function receives. Flags hold the global flags too; commands read the
// typed global values from `global`.
struct Invocation {
  const GlobalConfig& global;
  const FlagValues& flags;
  const std::vector<std::string>& args;
};

struct Command {
  std::string_view name;
  std::string_view summary;      // one line, for the command list
  std::string_view usage;        // the synopsis after the name: "[COMMAND]", "FILE..."
  std::string_view description;  // the paragraph "rkt help NAME" prints
  // The number of positional arguments accepted; outside the range is a usage error (exit 2),
  // checked before run is called.
  size_t min_args = 0;
  size_t max_args = kUnlimitedArgs;
  // Declares the command's own flags; null when it has none. Names must not clash with the
  // global flags (a unit test checks the table).
  void (*add_flags)(FlagSet& flags) = nullptr;
  // The exit code on success (0, or 254 when the command reported partial failure itself). An
  // error is logged once by the driver and exits 254.
  oslayer::Result<int> (*run)(const Invocation& inv) = nullptr;
  // A command group (`rkt image ...`) has no run function; the next word picks one of these,
  // with the same prefix matching as top-level commands.
  std::span<const Command* const> subcommands = {};
  // A subcommand names its group ("image"), so usage and errors say "rkt image list".
  std::string_view group = {};
  // False for a command whose positional arguments carry flags of their own (`rkt run IMAGE
  // --exec=/x -- args ---`): like cobra's SetInterspersed(false), flag parsing stops at the first
  // positional argument (or a "--", which is dropped), and that word and every word after it
  // reach `args` verbatim, for the command to parse itself.
  bool interspersed = true;
};

// "image list" for a subcommand, "fetch" for a top-level command.
inline std::string full_name(const Command& c) {
  return c.group.empty() ? std::string(c.name) : std::string(c.group) + " " + std::string(c.name);
}

}  // namespace stage0
