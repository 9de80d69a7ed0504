// The names a seccomp isolator may use: system calls (as libseccomp knows them), the named
// groups of rkt and the appc spec, and errno names. stage0 checks an app's sets with these before
// a pod exists (so a typo is refused with nothing on disk); stage2 expands the groups.
//
// rkt silently ignored unknown names and groups, which turned a typo in a denylist into a call
// left allowed; here every name must be known.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace oslayer {

namespace seccomp_groups {
// appc spec: every call (in a retain-set: no filter at all) and no call (in a remove-set).
inline constexpr std::string_view kAppcAll = "@appc.io/all";
inline constexpr std::string_view kAppcEmpty = "@appc.io/empty";
// rkt's names for Docker's default profile, as an allowlist and as a denylist; the rkt and
// docker spellings are aliases (as in rkt).
inline constexpr std::string_view kRktDefaultWhitelist = "@rkt/default-whitelist";
inline constexpr std::string_view kRktDefaultBlacklist = "@rkt/default-blacklist";
inline constexpr std::string_view kDockerDefaultWhitelist = "@docker/default-whitelist";
inline constexpr std::string_view kDockerDefaultBlacklist = "@docker/default-blacklist";
}  // namespace seccomp_groups

enum class SeccompMode { kRetain, kRemove };

// "retain" or "remove", for messages.
std::string_view seccomp_mode_name(SeccompMode mode);

// True for the two allowlist groups and the two denylist groups, respectively.
bool is_default_whitelist_group(std::string_view name);
bool is_default_blacklist_group(std::string_view name);

// Checks every name of a set: a group that makes sense in `mode`, or a system call libseccomp
// knows (on any architecture). The error names the first bad entry and why: an unknown call, an
// unknown group, or a group of the other mode (a denylist in a retain-set).
Status check_seccomp_set(SeccompMode mode, const std::vector<std::string>& set);

// "EPERM" -> EPERM; fails for anything that is not an errno name of this libc.
Result<int> parse_errno_name(std::string_view name);

}  // namespace oslayer
