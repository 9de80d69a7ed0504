#include "oslayer/log.h"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "oslayer/journal_send.h"

namespace oslayer {
namespace {

struct LogState {
  std::string tag = "rkt";
  bool debug = false;
  bool journal = false;
};

LogState& state() {
  static LogState s;
  return s;
}

// systemd sets JOURNAL_STREAM=<dev>:<ino> for a unit whose stderr goes to the journal. It is
// only ours if stderr is still that very stream (a child may have redirected it).
bool stderr_is_journal() {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr) return false;
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  if (std::sscanf(js, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) < 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return LOG_ERR;
    case LogLevel::kWarning:
      return LOG_WARNING;
    case LogLevel::kInfo:
      return LOG_INFO;
    case LogLevel::kDebug:
      return LOG_DEBUG;
  }
  return LOG_INFO;
}

}  // namespace

void log_init(std::string tag, bool debug) {
  state().tag = std::move(tag);
  state().debug = debug;
  state().journal = stderr_is_journal();
}

void log_set_debug(bool debug) { state().debug = debug; }
bool log_debug_enabled() { return state().debug; }

void log(LogLevel level, std::string_view message) {
  const LogState& s = state();
  if (level == LogLevel::kDebug && !s.debug) return;
  if (s.journal) {
    if (journal_send(s.tag, syslog_priority(level), message)) return;
    // The journal went away: fall through to stderr rather than lose the message.
  }
  std::string line = s.tag + ": ";
  if (level == LogLevel::kWarning) line += "warning: ";
  line.append(message);
  line += '\n';
  // A failed write to stderr has nowhere left to be reported.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

void log_error(const Error& error) {
  log(LogLevel::kError, state().debug ? error.tree() : error.text());
}

}  // namespace oslayer
