// rkt's ensureSuperuser: run, prepare, run-prepared, gc, rm and enter refuse an unprivileged
// caller up front with one line and exit 254, instead of failing half-way on a permission.
#pragma once

#include <unistd.h>

#include "oslayer/result.h"

namespace stage0::pods {

// Call first in a root-only command's run function: `if (auto st = require_root(); !st) return
// std::move(st).error();`
[[nodiscard]] inline oslayer::Status require_root() {
  if (::geteuid() != 0) return oslayer::Error::msg("cannot run as unprivileged user");
  return oslayer::ok();
}

}  // namespace stage0::pods
