// The per-app security flags of `rkt run`/`prepare` (--caps-retain, --caps-remove, --seccomp) as
// appc isolators, and the checks stage0 makes on the capability and seccomp isolators of any
// source (image manifest, flags, --pod-manifest) before a pod exists, so that a misspelt name is
// refused with nothing on disk rather than when stage2 starts the app.
#pragma once

#include <string>
#include <vector>

#include "appc-spec/isolators.h"
#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"
#include "stage0/run/run_args.h"

namespace stage0::run {

// --caps-retain / --caps-remove: comma-separated capability names, "CAP_NET_ADMIN" or, as rkt
// accepted, "NET_ADMIN" (any case). `flag` is "caps-retain" or "caps-remove".
oslayer::Result<appc::Isolator> parse_caps_flag(std::string_view flag, const std::string& value);

// --seccomp mode=retain|remove[,errno=ENAME],NAME,... where NAME is a system call or an @group.
oslayer::Result<appc::Isolator> parse_seccomp_flag(const std::string& value);

// The isolators of one image's security flags; --caps-retain with --caps-remove is refused.
oslayer::Result<std::vector<appc::Isolator>> security_isolators_from_flags(const AppArgs& args);

// True when `flag` (from the command line) replaces `existing` (from the image): a capability
// flag replaces both capability isolators, --seccomp both seccomp isolators, since the spec
// forbids the pairs and the user's flag says what they want.
bool displaces(const appc::Isolator& flag, const appc::Isolator& existing);

// The seccomp sets' names and errno (what the appc library checks only for shape).
oslayer::Status check_security_isolators(const std::vector<appc::Isolator>& isolators);

// One line per app whose capability or seccomp isolator --insecure-options switches off.
std::vector<std::string> insecure_overrides(const appc::PodManifest& pm, bool capabilities_off,
                                            bool seccomp_off);

}  // namespace stage0::run
