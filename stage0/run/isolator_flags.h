// The per-app isolator flags of `rkt run`/`prepare` (--memory, --cpu, --cpu-shares,
// --oom-score-adj) as appc isolators, and what stage0 checks and tells the user about the
// isolators of any source (image manifests, flags, --pod-manifest) before a pod exists.
#pragma once

#include <string>
#include <vector>

#include "appc-spec/isolators.h"
#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"
#include "stage0/run/run_args.h"

namespace stage0::run {

// The isolators the flags of one image ask for (with security_flags.h's --caps-retain,
// --caps-remove and --seccomp). Values are Kubernetes quantities (--memory=64M,
// 128Mi; --cpu=500m, 2) and integers (--cpu-shares 2..262144, --oom-score-adj -1000..1000); a
// bad one is an error naming the flag and the value.
oslayer::Result<std::vector<appc::Isolator>> isolators_from_flags(const AppArgs& args);

// The command line wins over the image: each isolator of `flags` replaces one of the same name
// in `into`, or is added.
void override_isolators(std::vector<appc::Isolator>& into, std::vector<appc::Isolator> flags);

// What the appc library lets through but no cgroup can take: a zero memory or CPU limit.
oslayer::Status check_resource_isolators(const std::vector<appc::Isolator>& isolators);

// The pod's os/unix/sysctl values (oslayer/sysctl.h): namespaced sysctls only, net.* only when
// `net` (the --net value) gives the pod a network of its own; "" (prepare: not known yet) allows
// net.*, which run-prepared checks again.
oslayer::Status check_pod_sysctls(const appc::PodManifest& pm, std::string_view net);

// One line per isolator of the pod or of an app that Rocket does not enforce (the appc spec
// lets an executor ignore those it does not understand, but it MUST tell the user).
std::vector<std::string> unenforced_isolators(const appc::PodManifest& pm);

}  // namespace stage0::run
