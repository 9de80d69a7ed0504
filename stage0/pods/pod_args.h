// The pods a lifecycle command names: UUIDs or unambiguous prefixes as arguments, or one UUID in
// the file given by --uuid-file (what `rkt run --uuid-file-save` wrote), never both.
#pragma once

#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage0/command.h"

namespace stage0::pods {

// Declares --uuid-file.
void add_uuid_file_flag(FlagSet& flags);
// The UUIDs (or prefixes) to act on, in command-line order.
[[nodiscard]] oslayer::Result<std::vector<std::string>> pod_args(const Invocation& inv);
// Writes to stdout, as one call.
[[nodiscard]] oslayer::Status print_out(const std::string& text);
// One line on stderr, prefixed like every rkt message ("rkt: ...").
void print_err(const std::string& line);
// Go's %q of a UUID, as rkt printed pods in messages: "\"<uuid>\"".
std::string quoted(const std::string& uuid);

}  // namespace stage0::pods
