#include <systemd/sd-journal.h>

#include "oslayer/journal_send.h"

namespace oslayer {

bool journal_send(const std::string& tag, int priority, std::string_view message) {
  return sd_journal_send("MESSAGE=%.*s", static_cast<int>(message.size()), message.data(),
                         "PRIORITY=%i", priority, "SYSLOG_IDENTIFIER=%s", tag.c_str(),
                         nullptr) >= 0;
}

}  // namespace oslayer
