// sd_notify(3) without libsystemd (Debian ships no static libsystemd, and stage1 is static):
// one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET, which may be abstract ("@name").
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace oslayer {

// Sends `state` (e.g. "READY=1") to `socket_path` ("/run/...sock" or "@abstract").
Status notify_socket(const std::string& socket_path, std::string_view state);
// Sends `state` to $NOTIFY_SOCKET; does nothing (and succeeds) when it is unset or empty.
Status sd_notify(std::string_view state);

}  // namespace oslayer
