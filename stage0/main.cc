// rkt, Rocket's stage0: the command that users, systemd units and orchestrators (Nomad, rktlet)
// run. A thin shell around stage0_lib, so that the unit tests exercise the very code it runs.
//
// Inputs:     argv; the environment (JOURNAL_STREAM decides whether errors go to the journal);
//             the files named by the command (e.g. `rkt validate FILE...`).
// Outputs:    results on stdout; errors on stderr, one line each (a context tree with --debug);
//             exit status 0 on success, 2 for a usage error, 254 for any other failure.
// Privileges: none so far. `help`, `version` and `validate` run as any user and never touch the
//             data dir; commands that need root or the data dir will check for them themselves.

#include <exception>
#include <string>
#include <vector>

#include "oslayer/log.h"
#include "stage0/cli.h"
#include "stage0/command.h"

int main(int argc, char** argv) {
  // Our code throws nothing and Boost.Program_options is caught where it is called; what can
  // still arrive here is the standard library's std::bad_alloc. Report it like any failure
  // instead of letting std::terminate abort with a core dump.
  try {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return stage0::run_cli(args);
  } catch (const std::exception& e) {
    oslayer::log_error(oslayer::Error::msg(e.what()));
    return stage0::kExitFailure;
  }
}
