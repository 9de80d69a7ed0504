// Turns argv into a command, its flags and its positional arguments, the way cobra did for rkt:
// the first word that is not a flag (or a global flag's value) names the command, a unique
// prefix of a name selects it, and flags may come before or after it. Every error returned here
// is a usage error (exit 2).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"
#include "stage0/command.h"
#include "stage0/flag_set.h"

namespace stage0 {

using CommandTable = std::span<const Command* const>;

// An exact name wins; otherwise the one command whose name starts with `word`. None, or several,
// is an error; several lists the candidates.
oslayer::Result<const Command*> resolve_command(std::string_view word, CommandTable table);

// The index of the word naming the command in `args` (argv without argv[0]), or none. Global
// flags that take a value skip their value (`--dir X version`); "--" ends the search.
std::optional<size_t> find_command_word(std::span<const std::string> args, const FlagSet& globals);

struct CommandLine {
  const Command* command = nullptr;  // null: no command named
  FlagValues flags;                  // the global flags and the command's own
  std::vector<std::string> args;     // positional arguments, after the command name
};

// A usage error as the user sees it: one line ending in where to read more, `(see "rkt help")`
// or `(see "rkt help NAME")` when the command is known.
oslayer::Error usage_error(const oslayer::Error& cause, const Command* command);

// Parses `args` (argv without argv[0]) against `globals` plus the named command's flags. Errors
// already carry the usage_error hint.
oslayer::Result<CommandLine> parse_command_line(std::span<const std::string> args,
                                                const FlagSet& globals, CommandTable table);

// Parses flags and positional arguments with Boost.Program_options; no command name in `args`.
// Exposed for tests.
oslayer::Result<CommandLine> parse_flags(std::span<const std::string> args, FlagSet flags);

}  // namespace stage0
