#include "stage2/capability_plan.h"

#include <linux/capability.h>

#include <variant>

namespace stage2 {

using oslayer::CapSet;
using oslayer::Error;
using oslayer::Result;

CapSet default_capabilities() {
  return CapSet::of({CAP_AUDIT_WRITE, CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_KILL,
                     CAP_MKNOD, CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID,
                     CAP_SETPCAP, CAP_SETFCAP, CAP_SYS_CHROOT});
}

namespace {

Result<CapSet> parse_names(const std::vector<std::string>& names, std::string_view isolator) {
  CapSet s;
  for (const auto& n : names) {
    auto c = oslayer::parse_capability(n);
    if (!c) return std::move(c).error().context("isolator " + std::string(isolator));
    s.add(*c);
  }
  return s;
}

}  // namespace

Result<CapabilityPlan> plan_capabilities(const std::vector<appc::Isolator>& isolators,
                                         bool root_user, bool disable_restriction, CapSet held) {
  CapabilityPlan plan;
  if (disable_restriction) {
    plan.restrict_bounding = false;
    plan.bounding = held;
    if (root_user) plan.process = {held, held, {}};
    return plan;
  }

  std::optional<CapSet> retain;
  CapSet remove;
  bool has_remove = false;
  for (const auto& iso : isolators) {
    if (const auto* r = std::get_if<appc::CapabilitiesRetainSet>(&iso.value)) {
      auto s = parse_names(r->set, appc::isolator_names::kCapabilitiesRetainSet);
      if (!s) return std::move(s).error();
      retain = retain.value_or(CapSet()) | *s;
    } else if (const auto* x = std::get_if<appc::CapabilitiesRemoveSet>(&iso.value)) {
      auto s = parse_names(x->set, appc::isolator_names::kCapabilitiesRemoveSet);
      if (!s) return std::move(s).error();
      remove = remove | *s;
      has_remove = true;
    }
  }
  // The spec forbids the pair: a retain-set already says everything the app keeps.
  if (retain && has_remove) {
    return Error::msg(
        "isolators os/linux/capabilities-retain-set and os/linux/capabilities-remove-set "
        "cannot be combined");
  }

  plan.bounding = retain ? *retain : default_capabilities().without(remove);
  const CapSet granted = plan.bounding & held;
  if (root_user) {
    plan.process = {granted, granted, {}};
  } else if (retain) {
    plan.process = {granted, granted, granted};
    plan.ambient = granted;
  }
  return plan;
}

}  // namespace stage2
