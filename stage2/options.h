// stage2's command line (Documentation/devel/stage1-interface.md, "stage2"):
//   /stage2 --app=NAME [--event=pre-start|post-stop] [--disable-capabilities-restriction]
//           [--disable-seccomp] [--debug] [--root-ready-fd=N] [--enter [-- CMD [ARGS...]]]
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appc-spec/types.h"
#include "oslayer/result.h"

namespace stage2 {

struct Options {
  std::string app;
  std::optional<appc::EventName> event;
  bool disable_capabilities_restriction = false;
  bool disable_seccomp = false;
  bool debug = false;
  // rkt enter: run `command` (empty: the default shell) instead of the app's exec, with
  // everything else exactly as for the app.
  bool enter = false;
  std::vector<std::string> command;
  // --root-ready-fd=N: started before the app's root is in place; wait on fd N (root_ready.h).
  std::optional<int> root_ready_fd;
};

// `args` excludes argv[0]. Unknown flags, positional arguments and a missing --app fail; "--"
// ends the flags and is accepted with --enter only, as is a command; --enter with --event fails,
// and --root-ready-fd (a number above 3: fd 3 is the app) goes with neither.
oslayer::Result<Options> parse_options(const std::vector<std::string>& args);

}  // namespace stage2
