#include "stage2/exec_app.h"

#include <cerrno>

#include "oslayer/credentials.h"
#include "stage2/environment.h"

namespace stage2 {

using oslayer::Error;
using oslayer::Result;

Result<std::vector<std::string>> select_command(const appc::App& app,
                                                std::optional<appc::EventName> event) {
  if (!event) {
    if (app.exec.empty() || app.exec[0].empty()) return Error::msg("the app has no exec");
    return app.exec;
  }
  for (const auto& h : app.event_handlers) {
    if (h.name == *event && !h.exec.empty() && !h.exec[0].empty()) return h.exec;
  }
  return Error::msg("the app has no " + std::string(appc::to_string(*event)) + " event handler");
}

Result<std::vector<std::string>> enter_command(const std::vector<std::string>& given,
                                               bool has_shell) {
  if (!given.empty()) {
    if (given[0].empty()) return Error::msg("the command to run is an empty string");
    return given;
  }
  if (!has_shell) {
    return Error::msg("the app has no " + std::string(kDefaultEnterShell) +
                      ": name the command to run (rkt enter UUID CMD [ARGS...])");
  }
  return std::vector<std::string>{std::string(kDefaultEnterShell)};
}

std::vector<std::string> exec_candidates(std::string_view program, std::string_view path) {
  if (program.find('/') != std::string_view::npos) return {std::string(program)};
  std::vector<std::string> out;
  for (;;) {
    size_t colon = path.find(':');
    std::string_view dir = path.substr(0, colon);
    out.push_back(dir.empty() ? std::string(program)
                              : std::string(dir) + "/" + std::string(program));
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return out;
}

int exit_code_for_exec_errno(int err) { return err == ENOENT || err == ENOTDIR ? 127 : 126; }

Error exec_command(const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
  const std::string& program = argv[0];
  auto path = find_variable(envp, "PATH");
  std::optional<Error> denied;
  for (const auto& candidate : exec_candidates(program, path.value_or(std::string(kDefaultPath)))) {
    Error e = oslayer::execute(candidate, argv, envp);
    if (e.code() == ENOENT || e.code() == ENOTDIR) continue;
    if (e.code() == EACCES) {
      if (!denied) denied = std::move(e);
      continue;
    }
    return e;
  }
  if (denied) return std::move(*denied);
  return Error::sys(ENOENT, "exec " + program);
}

}  // namespace stage2
