#include "stage1/pod_sysctls.h"

#include <variant>

#include "oslayer/mount.h"
#include "oslayer/sysctl.h"

namespace stage1 {

oslayer::Status set_pod_sysctls(const std::vector<appc::Isolator>& pod_isolators,
                                std::string_view net) {
  const bool own_net = net != "host";
  const appc::Sysctl* sysctl = nullptr;
  for (const auto& iso : pod_isolators) {
    if (const auto* s = std::get_if<appc::Sysctl>(&iso.value)) sysctl = s;
  }
  if (sysctl == nullptr || sysctl->values.empty()) return oslayer::ok();
  for (const auto& [name, value] : sysctl->values) {
    if (auto st = oslayer::check_sysctl(name, value, own_net); !st) return st;
  }
  // A proc instance of the pod's own, never attached anywhere: PID 1 still has the host's mount
  // namespace, and the host's /proc must not be the way in even though the kernel would resolve
  // these sysctls in our namespaces through it too.
  auto proc = oslayer::make_fs_mount("proc", {}, oslayer::MountAttrs{false, true, true, true});
  if (!proc) return std::move(proc).error().context("mounting a proc for the pod's sysctls");
  for (const auto& [name, value] : sysctl->values) {
    if (auto st = oslayer::write_sysctl(proc->get(), name, value); !st) return st;
  }
  return oslayer::ok();
}

}  // namespace stage1
