// Usage texts: `rkt help`, `rkt --help`, `rkt COMMAND --help`, and the text printed with a
// "missing command" error.
#pragma once

#include <string>

#include "stage0/command.h"
#include "stage0/command_line.h"
#include "stage0/flag_set.h"

namespace stage0 {

std::string render_global_usage(CommandTable table, const FlagSet& globals);
std::string render_command_usage(const Command& command, const FlagSet& globals);

}  // namespace stage0
