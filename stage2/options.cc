#include "stage2/options.h"

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
    } else {
      return Error::msg("unknown argument \"" + a + "\"");
    }
  }
  if (!have_app || o.app.empty()) return Error::msg("--app=NAME is required");
  if (o.enter && o.event) return Error::msg("--enter and --event exclude each other");
  // An AC Name, so that it cannot smuggle anything into AC_APP_NAME or messages.
  if (auto n = appc::AcName::parse(o.app); !n) {
    return Error::msg("--app: " + n.error().message());
  }
  return o;
}

}  // namespace stage2
