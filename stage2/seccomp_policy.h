// The seccomp policy of an app: which system calls fail, and how. The default is a denylist with
// Docker's default profile's semantics (and rkt's @rkt/default-blacklist names): calls that reach
// kernel interfaces which are not namespaced (keyrings, modules, clocks, swap), that widen the
// attack surface for little use in an app (bpf, perf_event_open, userfaultfd, io_uring), or that
// undo the pod's isolation (mount, unshare, setns, ptrace, new namespaces through clone).
//
// A denied call fails with EPERM, as in Docker's profile (defaultErrnoRet EPERM), rather than
// killing the process: programs probe for optional features and degrade when told "not
// permitted", while SIGSYS would kill an app for merely asking.
#pragma once

#include <string>
#include <vector>

#include "appc-spec/isolators.h"
#include "oslayer/capabilities.h"
#include "oslayer/result.h"
#include "oslayer/seccomp_filter.h"

namespace stage2 {

struct SeccompRule {
  std::string syscall;
  oslayer::SeccompAction action;
  std::vector<oslayer::SeccompArgMaskedEq> args;
  // A name that this libseccomp does not know is skipped instead of failing (the default list
  // names calls of every kernel version).
  bool optional = false;
};

struct SeccompPolicy {
  oslayer::SeccompAction default_action;
  std::vector<SeccompRule> rules;
};

// The default denylist. As in Docker, a group of calls stays allowed when the app keeps the
// capability that governs it (`bounding`): an app granted CAP_SYS_ADMIN may mount, one granted
// CAP_SYS_PTRACE may ptrace.
SeccompPolicy default_policy(oslayer::CapSet bounding);

// The policy the app's isolators ask for: the default when it names none.
// `os/linux/seccomp-remove-set` (a denylist): its calls, and the default list for
// "@rkt/default-blacklist" / "@docker/default-blacklist", fail with its errno, or kill the process
// without one; everything else is allowed. `os/linux/seccomp-retain-set` (an allowlist): its
// calls, lifecycle_calls() and, for "@rkt/default-whitelist" / "@docker/default-whitelist",
// default_allowlist() plus the capability-gated calls the app's bounding set covers are allowed;
// everything else fails with its errno or kills. "@appc.io/all" (retain) means no filter,
// "@appc.io/empty" adds nothing. Unknown names fail (oslayer::check_seccomp_set).
oslayer::Result<SeccompPolicy> policy_for(const std::vector<appc::Isolator>& isolators,
                                          oslayer::CapSet bounding);

// Builds the in-memory filter; nothing is loaded yet.
oslayer::Result<oslayer::SeccompFilter> build_filter(const SeccompPolicy& policy);

// "EPERM" -> EPERM; fails for names that are not errno names (oslayer::parse_errno_name).
oslayer::Result<int> parse_errno_name(std::string_view name);

}  // namespace stage2
