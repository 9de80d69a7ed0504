// Records go to the journal through libsystemd's sd_journal_sendv, but libsystemd is opened on
// the first record rather than linked: linking it costs every rkt command its dependencies
// (libgcrypt, liblzma, libzstd, liblz4...) at start-up, and most commands never log to the journal.
#include <dlfcn.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <string>

#include "oslayer/journal_send.h"

namespace oslayer {
namespace {

using SendvFn = decltype(&sd_journal_sendv);

SendvFn load_sendv() {
  static SendvFn fn = []() -> SendvFn {
    void* lib = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return nullptr;
    return reinterpret_cast<SendvFn>(::dlsym(lib, "sd_journal_sendv"));
  }();
  return fn;
}

}  // namespace

bool journal_send(const std::string& tag, int priority, std::string_view message) {
  // sd_journal_sendv reports success when journald's socket is missing (it drops the record on
  // purpose); the caller must know, to write the record to stderr instead.
  if (::access("/run/systemd/journal/socket", W_OK) != 0) return false;
  SendvFn sendv = load_sendv();
  if (sendv == nullptr) return false;
  std::string fields[] = {"MESSAGE=" + std::string(message), "PRIORITY=" + std::to_string(priority),
                          "SYSLOG_IDENTIFIER=" + tag};
  iovec iov[3];
  for (int i = 0; i < 3; ++i) iov[i] = {fields[i].data(), fields[i].size()};
  return sendv(iov, 3) >= 0;
}

}  // namespace oslayer
