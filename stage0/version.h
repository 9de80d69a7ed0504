// `rkt version`. Its first two lines are parsed by Nomad's rkt driver with
// `rkt [Vv]ersion[:]? (\d[.\d]+)` and `appc [Vv]ersion[:]? (\d[.\d]+)`, which also requires
// rkt >= 1.27.0; so Rocket reports the rkt release it is compatible with, plus its own version as
// semver build metadata.
#pragma once

#include <string>
#include <string_view>

namespace stage0 {

// "1.30.0+rocket.<Rocket's version>", from meson.
std::string_view rkt_version();
// The five lines of rkt's output, each ending in "\n".
std::string render_version();

}  // namespace stage0
