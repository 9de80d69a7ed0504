#include "stage0/command_table.h"

#include "stage0/commands.h"

namespace stage0 {

CommandTable command_table() {
  // Pointers, not copies: the Command objects live in other files, and copying them here would
  // depend on the order in which files are initialised.
  static constexpr const Command* kTable[] = {
      // Sorted by name: stage0/cli_test.cc checks.
      &kCatManifestCommand, &kEnterCommand, &kFetchCommand,       &kGcCommand,
      &kHelpCommand,        &kImageCommand, &kListCommand,        &kPrepareCommand,
      &kRmCommand,          &kRunCommand,   &kRunPreparedCommand, &kStatusCommand,
      &kStopCommand,        &kTrustCommand, &kValidateCommand,    &kVersionCommand,
  };
  return kTable;
}

}  // namespace stage0
