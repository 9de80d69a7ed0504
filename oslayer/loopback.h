// The loopback interface of a new network namespace starts down; a pod with no other network
// (--net=none) still needs 127.0.0.1.
#pragma once

#include "oslayer/result.h"

namespace oslayer {

// Sets IFF_UP on "lo" in the caller's network namespace (needs CAP_NET_ADMIN there).
Status bring_up_loopback();

}  // namespace oslayer
