// The system calls of an allowlist (seccomp retain-set) that stage2 grants on top of what the
// app names, and the allowlist behind "@rkt/default-whitelist" / "@docker/default-whitelist".
#pragma once

#include <span>
#include <string_view>

namespace stage2 {

// Always allowed in a retain-set (the appc spec lets an executor add "the minimum needed for the
// app lifecycle"): what any program needs to start, allocate, use threads and exit, as systemd's
// @default group (which rkt got for free from systemd's SystemCallFilter=), plus the calls
// stage2 itself makes after loading a filter without no_new_privs and before execve (groups,
// ids, chdir, capset, prctl for the ambient set, execve itself).
std::span<const std::string_view> lifecycle_calls();

// Docker's default allowlist without the calls it grants only with a capability (those follow
// the app's bounding set, see seccomp_policy.cc) and without clone/clone3/personality (argument
// filtered there). Written from the calls' purposes, grouped, with today's names (statx, rseq,
// the *_time64 calls, ...) that rkt's 2016 copy lacked: without rseq and statx a current glibc
// program would not even start under it.
std::span<const std::string_view> default_allowlist();

}  // namespace stage2
