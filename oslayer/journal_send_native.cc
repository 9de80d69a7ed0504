// journald's native protocol, spoken directly (systemd's JOURNAL_NATIVE_PROTOCOL document): one
// datagram per record on /run/systemd/journal/socket. This is what sd_journal_send does for a
// short record; doing it here spares rkt libsystemd and its dependencies (libgcrypt, liblzma,
// libzstd, liblz4...), a measurable part of its start-up time.
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdint>
#include <cstring>

#include "oslayer/fd.h"
#include "oslayer/journal_send.h"

namespace oslayer {
namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// A field whose value may hold newlines: the name, a newline, the value's length as a 64-bit
// little-endian integer, the value and a newline.
void append_binary_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += '\n';
  uint64_t n = value.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  out.append(value);
  out += '\n';
}

}  // namespace

bool journal_send(const std::string& tag, int priority, std::string_view message) {
  std::string record = "PRIORITY=" + std::to_string(priority) + "\n";
  append_binary_field(record, "SYSLOG_IDENTIFIER", tag);
  append_binary_field(record, "MESSAGE", message);

  Fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, kJournalSocket, sizeof(addr.sun_path) - 1);
  // A record too large for one datagram (sd_journal_send would pass a memfd) fails here, and
  // the caller writes it to stderr instead: rkt's records are single error lines.
  ssize_t n = ::sendto(sock.get(), record.data(), record.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  return n == static_cast<ssize_t>(record.size());
}

}  // namespace oslayer
