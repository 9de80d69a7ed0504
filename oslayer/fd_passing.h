// Messages with file descriptors attached (SCM_RIGHTS) on a local socket: how stage1's
// processes hand a mount namespace to one another and the app's cgroups to stage2.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"

namespace oslayer {

// Room for more fds than any message of Rocket's carries (the app's v1 cgroups are at most
// seven).
inline constexpr size_t kMaxPassedFds = 16;

// One message of `text` with `fds` attached. False, with errno set, when it was not sent: the
// other end is gone, or more than kMaxPassedFds (E2BIG). Never raises SIGPIPE.
bool send_with_fds(int sock, std::string_view text, const std::vector<int>& fds);

struct ReceivedMessage {
  ssize_t size = 0;        // recvmsg's count: 0 at end of file, -1 on error
  std::vector<Fd> fds;     // what came along, close-on-exec
  bool truncated = false;  // more fds came than kMaxPassedFds: the others are lost
};
// One message into `buf` (EINTR retried).
ReceivedMessage receive_with_fds(int sock, char* buf, size_t size);

}  // namespace oslayer
