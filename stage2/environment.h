// The app's environment (spec/ace.md "Execution environment"): the manifest's `environment`,
// PATH defaulted when the app sets none, and AC_APP_NAME, which the executor owns. Nothing from
// stage2's own environment is passed on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/types.h"
#include "oslayer/result.h"

namespace stage2 {

inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// "NAME=value" strings for execve, in the manifest's order, then PATH (when absent), then
// AC_APP_NAME (an app's own AC_APP_NAME is replaced: the name is the executor's to give). A NUL in
// a name or value fails: execve would cut the string there.
oslayer::Result<std::vector<std::string>> build_environment(std::string_view app_name,
                                                            const appc::Environment& env);

// The value of `name` in "NAME=value" strings, or nullopt.
std::optional<std::string> find_variable(const std::vector<std::string>& envp,
                                         std::string_view name);

}  // namespace stage2
