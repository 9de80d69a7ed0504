#include "stage0/command_table.h"

#include "stage0/commands.h"

namespace stage0 {

CommandTable command_table() {
  // Pointers, not copies: the Command objects live in other files, and copying them here would
  // depend on the order in which files are initialised.
  static constexpr const Command* kTable[] = {
      &kFetchCommand,
      &kHelpCommand,
      &kImageCommand,
      &kTrustCommand,
      &kValidateCommand,
      &kVersionCommand,
      // Pod lifecycle (stage0/pods/).
      &kCatManifestCommand,
      &kGcCommand,
      &kListCommand,
      &kRmCommand,
      &kStatusCommand,
      &kStopCommand,
  };
  return kTable;
}

}  // namespace stage0
