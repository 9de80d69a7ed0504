#include "oslayer/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "oslayer/fd.h"

namespace oslayer {

Status notify_socket(const std::string& socket_path, std::string_view state) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path ||
      (socket_path[0] != '/' && socket_path[0] != '@')) {
    return Error::sys(EINVAL, "NOTIFY_SOCKET \"" + socket_path + "\" is not a socket path");
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  // An abstract socket's name starts with a NUL byte and is not NUL-terminated.
  if (socket_path[0] == '@') addr.sun_path[0] = '\0';
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size());

  int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Error::sys(errno, "creating a notification socket");
  Fd sock(s);
  for (;;) {
    ssize_t n = ::sendto(sock.get(), state.data(), state.size(), MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&addr), len);
    if (n >= 0) return ok();
    if (errno == EINTR) continue;
    return Error::sys(errno, "notifying " + socket_path);
  }
}

Status sd_notify(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return ok();
  return notify_socket(path, state);
}

}  // namespace oslayer
