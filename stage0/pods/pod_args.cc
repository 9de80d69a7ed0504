#include "stage0/pods/pod_args.h"

#include <unistd.h>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/pods/pod_dir.h"

namespace stage0::pods {

void add_uuid_file_flag(FlagSet& flags) {
  flags.add_string("uuid-file", "", "read pod UUID from file instead of argument");
}

oslayer::Result<std::vector<std::string>> pod_args(const Invocation& inv) {
  const std::string& file = inv.flags.get_string("uuid-file");
  if (!file.empty() && !inv.args.empty()) {
    return oslayer::Error::msg("give either pod UUIDs or --uuid-file, not both");
  }
  if (!file.empty()) {
    auto uuid = read_uuid_file(file);
    if (!uuid) return std::move(uuid).error().context("unable to resolve UUID from file");
    return std::vector<std::string>{*uuid};
  }
  if (inv.args.empty()) return oslayer::Error::msg("no pod given: pass a UUID or --uuid-file");
  return inv.args;
}

oslayer::Status print_out(const std::string& text) {
  return oslayer::write_all(STDOUT_FILENO, text);
}

void print_err(const std::string& line) { oslayer::log(oslayer::LogLevel::kInfo, line); }

std::string quoted(const std::string& uuid) { return "\"" + uuid + "\""; }

}  // namespace stage0::pods
