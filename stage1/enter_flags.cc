#include "stage1/enter_flags.h"

#include <charconv>

#include "appc-spec/names.h"

namespace stage1 {

using oslayer::Error;
using oslayer::Result;

Result<EnterFlags> parse_enter_flags(const std::vector<std::string>& args) {
  EnterFlags f;
  bool have_pid = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      f.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a.starts_with("--pid=")) {
      std::string_view v = std::string_view(a).substr(6);
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), f.pid);
      if (ec != std::errc() || end != v.data() + v.size() || f.pid <= 1) {
        return Error::msg("--pid: \"" + std::string(v) + "\" is not the PID of a pod");
      }
      have_pid = true;
    } else if (a.starts_with("--appname=")) {
      f.app = a.substr(10);
    } else if (a == "--debug" || a == "--debug=true") {
      f.debug = true;
    } else if (a == "--debug=false") {
      f.debug = false;
    } else {
      return Error::msg("unexpected argument \"" + a + "\"");
    }
  }
  if (!have_pid) return Error::msg("--pid=PID is required");
  if (f.app.empty()) return Error::msg("--appname=APP is required");
  // The name becomes a path (appsinfo/<app>/) and a stage2 argument.
  if (auto n = appc::AcName::parse(f.app); !n) {
    return Error::msg("--appname: " + n.error().message());
  }
  return f;
}

}  // namespace stage1
