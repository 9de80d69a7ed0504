#include "stage2/root_ready.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace stage2 {

namespace {
constexpr int kStopped = 254;
}

RootSignal decode_root_signal(std::string_view bytes) {
  RootSignal s;
  if (bytes == "g") return s;
  if (bytes == "n") {
    s.stdin_null = true;
    return s;
  }
  if (bytes.size() == 2 && bytes[0] == 'x') {
    s.abort_code = static_cast<unsigned char>(bytes[1]);
    return s;
  }
  s.abort_code = kStopped;
  return s;
}

RootSignal wait_for_root(int fd) {
  // One message on a SOCK_SEQPACKET socket: it arrives whole or not at all.
  char buf[8];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) < 0 && errno == EINTR) {
  }
  ::close(fd);
  return decode_root_signal(n > 0 ? std::string_view(buf, static_cast<size_t>(n))
                                  : std::string_view());
}

}  // namespace stage2
