// Logging to stderr, or to the journal when stderr is connected to it (a systemd unit), so that
// priorities survive. Library code logs at debug level at most; errors are logged once, in main.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/error.h"

namespace oslayer {

enum class LogLevel { kError, kWarning, kInfo, kDebug };

// `tag` prefixes every stderr line ("rkt: ..."). Reads JOURNAL_STREAM once.
void log_init(std::string tag, bool debug);
void log_set_debug(bool debug);
bool log_debug_enabled();

void log(LogLevel level, std::string_view message);
inline void log_debug(std::string_view m) { log(LogLevel::kDebug, m); }
inline void log_warning(std::string_view m) { log(LogLevel::kWarning, m); }
// An error where it stops propagating: one line, or the whole tree with --debug.
void log_error(const Error& error);

}  // namespace oslayer
