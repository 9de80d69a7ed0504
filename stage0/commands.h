// Every subcommand's Command object, each defined in its own file. Constant-initialised (only
// string views and function pointers), so no file depends on another's initialisation order.
#pragma once

#include "stage0/command.h"

namespace stage0 {

extern const Command kHelpCommand;      // help.cc
extern const Command kFetchCommand;     // fetch_command.cc
extern const Command kImageCommand;     // image_group.cc
extern const Command kTrustCommand;     // trust/trust_command.cc
extern const Command kValidateCommand;  // validate.cc
extern const Command kVersionCommand;   // version.cc

// Pod lifecycle commands (stage0/pods/).
extern const Command kCatManifestCommand;  // pods/cat_manifest_command.cc
extern const Command kEnterCommand;        // pods/enter_command.cc
extern const Command kGcCommand;           // pods/gc_command.cc
extern const Command kListCommand;         // pods/list_command.cc
extern const Command kRmCommand;           // pods/rm_command.cc
extern const Command kStatusCommand;       // pods/status_command.cc
extern const Command kStopCommand;         // pods/stop_command.cc

// Starting pods (stage0/run/).
extern const Command kPrepareCommand;      // run/run_command.cc
extern const Command kRunCommand;          // run/run_command.cc
extern const Command kRunPreparedCommand;  // run/run_command.cc

// `rkt image` subcommands.
extern const Command kImageCatManifestCommand;  // image_content.cc
extern const Command kImageExportCommand;       // image_content.cc
extern const Command kImageExtractCommand;      // image_content.cc
extern const Command kImageGcCommand;           // image_rm.cc
extern const Command kImageListCommand;         // image_list.cc
extern const Command kImageRenderCommand;       // image_content.cc
extern const Command kImageRmCommand;           // image_rm.cc
extern const Command kImageVerifyCommand;       // image_content.cc

}  // namespace stage0
