// Which capabilities an app gets, decided from its isolators before anything changes (pure, so
// it is tested without root). rkt.md 3.6 and spec/ace.md: the bounding set defaults to the 14
// capabilities Docker also grants; `os/linux/capabilities-retain-set` replaces it,
// `-remove-set` takes names out of it.
#pragma once

#include <vector>

#include "appc-spec/isolators.h"
#include "oslayer/capabilities.h"
#include "oslayer/result.h"

namespace stage2 {

// CAP_AUDIT_WRITE, CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_KILL, CAP_MKNOD,
// CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID, CAP_SETPCAP, CAP_SETFCAP,
// CAP_SYS_CHROOT.
oslayer::CapSet default_capabilities();

struct CapabilityPlan {
  // False with --disable-capabilities-restriction: the bounding set is left as inherited.
  bool restrict_bounding = true;
  oslayer::CapSet bounding;
  // The sets after the switch to the app's user, set with capset(2).
  oslayer::ProcessCaps process;
  // Raised after capset; for a non-root user this is what survives execve.
  oslayer::CapSet ambient;
  bool operator==(const CapabilityPlan&) const = default;
};

// `held` is stage2's own permitted set: nothing outside it can be granted.
//
// A root app (uid 0) gets effective = permitted = the bounding set; a non-root app gets nothing,
// unless a retain-set names capabilities, which it then gets as ambient capabilities (the only
// way a non-root process keeps capabilities across execve without file capabilities). The
// inheritable set stays empty except for those explicitly retained capabilities: a non-empty
// default inheritable set let image binaries with inheritable file capabilities gain privileges
// (CVE-2022-29162 and its siblings in crun and containerd).
oslayer::Result<CapabilityPlan> plan_capabilities(const std::vector<appc::Isolator>& isolators,
                                                  bool root_user, bool disable_restriction,
                                                  oslayer::CapSet held);

}  // namespace stage2
