// The seccomp program an app gets, as BPF for oslayer::load_seccomp_program.
//
// libseccomp needs about 1 ms to build and generate the default program, the largest step of
// stage2's own work. That program depends only on the default capability set, so it is built
// once, when stage2 is (seccomp_program_gen.cc), and compiled in. Any other policy (a seccomp
// isolator, another bounding set) is built at start as before.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/isolators.h"
#include "oslayer/capabilities.h"
#include "oslayer/result.h"

namespace stage2 {

// True when the app names no seccomp set (os/linux/seccomp-retain-set, -remove-set): its
// program is then the default denylist, which denies none of the calls stage2 itself makes
// after loading it (main.cc), wherever stage2 loads it.
bool uses_default_policy(const std::vector<appc::Isolator>& isolators);

// The compiled-in program, when policy_for(isolators, bounding) is the one it was built from.
std::optional<std::string_view> prebuilt_seccomp_program(
    const std::vector<appc::Isolator>& isolators, oslayer::CapSet bounding);

// The program for policy_for(isolators, bounding): the compiled-in one, else built now.
oslayer::Result<std::string> seccomp_program(const std::vector<appc::Isolator>& isolators,
                                             oslayer::CapSet bounding);

}  // namespace stage2
