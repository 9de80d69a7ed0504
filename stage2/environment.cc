#include "stage2/environment.h"

namespace stage2 {

using oslayer::Error;
using oslayer::Result;

Result<std::vector<std::string>> build_environment(std::string_view app_name,
                                                   const appc::Environment& env) {
  std::vector<std::string> out;
  bool has_path = false;
  for (const auto& v : env) {
    if (v.name.find('\0') != std::string::npos || v.value.find('\0') != std::string::npos) {
      return Error::msg("environment variable \"" + v.name.substr(0, v.name.find('\0')) +
                        "\" contains a NUL byte");
    }
    if (v.name == "AC_APP_NAME") continue;
    if (v.name == "PATH") has_path = true;
    out.push_back(v.name + "=" + v.value);
  }
  if (!has_path) out.push_back("PATH=" + std::string(kDefaultPath));
  out.push_back("AC_APP_NAME=" + std::string(app_name));
  return out;
}

std::optional<std::string> find_variable(const std::vector<std::string>& envp,
                                         std::string_view name) {
  for (const auto& e : envp) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

}  // namespace stage2
