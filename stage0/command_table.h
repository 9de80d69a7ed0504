// The list of `rkt` subcommands. A new command is one file defining its Command, declared in
// commands.h, plus one line in command_table.cc.
#pragma once

#include "stage0/command_line.h"

namespace stage0 {

// In the order `rkt help` lists them (alphabetical, as cobra sorted them).
CommandTable command_table();

}  // namespace stage0
