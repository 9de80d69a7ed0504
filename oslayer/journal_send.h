// Sending one log record to the journal. Two implementations: libsystemd's
// sd_journal_sendv, opened on first use (stage0, journal_send_sd.cc), and none
// (stage1 and stage2 are linked statically and Debian ships no static libsystemd; their stderr
// reaches the journal through the unit's stream anyway).
#pragma once

#include <string>
#include <string_view>

namespace oslayer {

// False when the record was not sent; the caller then writes it to stderr.
bool journal_send(const std::string& tag, int priority, std::string_view message);

}  // namespace oslayer
