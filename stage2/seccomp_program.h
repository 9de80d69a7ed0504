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

// The compiled-in program, when policy_for(isolators, bounding) is the one it was built from.
std::optional<std::string_view> prebuilt_seccomp_program(
    const std::vector<appc::Isolator>& isolators, oslayer::CapSet bounding);

// The program for policy_for(isolators, bounding): the compiled-in one, else built now.
oslayer::Result<std::string> seccomp_program(const std::vector<appc::Isolator>& isolators,
                                             oslayer::CapSet bounding);

}  // namespace stage2
