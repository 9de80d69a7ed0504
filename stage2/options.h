// stage2's command line (Documentation/devel/stage1-interface.md, "stage2"):
//   /stage2 --app=NAME [--event=pre-start|post-stop] [--disable-capabilities-restriction]
//           [--disable-seccomp] [--debug]
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
};

// `args` excludes argv[0]. Unknown flags, positional arguments and a missing --app fail.
oslayer::Result<Options> parse_options(const std::vector<std::string>& args);

}  // namespace stage2
