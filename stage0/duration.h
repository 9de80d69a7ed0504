// Go's time.ParseDuration syntax ("24h0m0s", "1.5h", "30m", "100ms"), which rkt's flags used
// (--grace-period, --expire-prepared, --wait).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0 {

oslayer::Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s);
// Go's Duration.String(): "24h0m0s", "30m0s", "1.5s", "0s".
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace stage0
