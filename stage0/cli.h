// The driver of `rkt`: parse, build the global config, dispatch, map the outcome to an exit code.
#pragma once

#include <span>
#include <string>

namespace stage0 {

// `args` is argv without argv[0]. Writes results to stdout and errors to stderr (or the journal);
// returns 0, 2 (usage error) or 254 (failure), or what the command chose.
int run_cli(std::span<const std::string> args);

}  // namespace stage0
