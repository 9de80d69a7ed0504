// What stage2 executes and how its failure is reported: the app's `exec` or one of its event
// handlers, found like execvp(3) does (spec/ace.md: an argv[0] without "/" is looked up in the
// app's PATH), with the shell's exit codes for a failed exec.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/types.h"
#include "oslayer/result.h"

namespace stage2 {

// The app's exec, or the handler for `event`. Missing or empty is an error.
oslayer::Result<std::vector<std::string>> select_command(const appc::App& app,
                                                         std::optional<appc::EventName> event);

// rkt enter's command: `given`, or, when it is empty, the default shell /bin/sh when the app's
// root has one (`has_shell`); otherwise an error asking for a command.
inline constexpr std::string_view kDefaultEnterShell = "/bin/sh";
oslayer::Result<std::vector<std::string>> enter_command(const std::vector<std::string>& given,
                                                        bool has_shell);

// The paths to try for `program`: itself when it contains "/", else each PATH entry joined with
// it (an empty entry means the working directory, as in execvp).
std::vector<std::string> exec_candidates(std::string_view program, std::string_view path);

// 127 when nothing was found to execute, 126 when it could not be executed (the shell's codes).
int exit_code_for_exec_errno(int err);

// Tries each candidate as execvp does: a missing one (ENOENT, ENOTDIR) moves on, EACCES is
// remembered and moves on, anything else stops. Returns only on failure, with the error of the
// most meaningful attempt ("exec /path: ...").
oslayer::Error exec_command(const std::vector<std::string>& argv,
                            const std::vector<std::string>& envp);

}  // namespace stage2
