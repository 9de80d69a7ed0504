#include "stage2/options.h"

#include <charconv>

namespace stage2 {

using oslayer::Error;
using oslayer::Result;

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  bool have_app = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      if (!o.enter) return Error::msg("a command is accepted with --enter only");
      break;
    }
    if (a.starts_with("--app=")) {
      o.app = a.substr(6);
      have_app = true;
    } else if (a == "--event=pre-start") {
      o.event = appc::EventName::kPreStart;
    } else if (a == "--event=post-stop") {
      o.event = appc::EventName::kPostStop;
    } else if (a.starts_with("--event=")) {
      return Error::msg("unknown event \"" + a.substr(8) + "\" (want pre-start or post-stop)");
    } else if (a == "--disable-capabilities-restriction") {
      o.disable_capabilities_restriction = true;
    } else if (a == "--disable-seccomp") {
      o.disable_seccomp = true;
    } else if (a == "--debug") {
      o.debug = true;
    } else if (a == "--enter") {
      o.enter = true;
    } else if (a.starts_with("--root-ready-fd=")) {
      const std::string v = a.substr(16);
      int fd = -1;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), fd);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size() || fd <= 3) {
        return Error::msg("--root-ready-fd: \"" + v + "\" is not a descriptor above 3");
      }
      o.root_ready_fd = fd;
    } else {
      return Error::msg("unknown argument \"" + a + "\"");
    }
  }
  if (!have_app || o.app.empty()) return Error::msg("--app=NAME is required");
  if (o.enter && o.event) return Error::msg("--enter and --event exclude each other");
  if (o.root_ready_fd && (o.enter || o.event)) {
    return Error::msg("--root-ready-fd goes with neither --enter nor --event");
  }
  // An AC Name, so that it cannot smuggle anything into AC_APP_NAME or messages.
  if (auto n = appc::AcName::parse(o.app); !n) {
    return Error::msg("--app: " + n.error().message());
  }
  return o;
}

}  // namespace stage2
