#include "appc-spec/isolators.h"

#include <array>

#include "appc-spec/codec.h"
#include "appc-spec/image_manifest.h"

namespace appc {
namespace {

// Linux capabilities up to CAP_CHECKPOINT_RESTORE (Linux 5.9), in kernel order.
constexpr std::array<std::string_view, 41> kCapabilities = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

constexpr std::array<std::string_view, 15> kKnown = {
    isolator_names::kResourceCpu,
    isolator_names::kResourceMemory,
    isolator_names::kResourceBlockBandwidth,
    isolator_names::kResourceBlockIops,
    isolator_names::kResourceNetworkBandwidth,
    isolator_names::kCapabilitiesRetainSet,
    isolator_names::kCapabilitiesRemoveSet,
    isolator_names::kNoNewPrivileges,
    isolator_names::kSeccompRetainSet,
    isolator_names::kSeccompRemoveSet,
    isolator_names::kSelinuxContext,
    isolator_names::kApparmorProfile,
    isolator_names::kOomScoreAdj,
    isolator_names::kCpuShares,
    isolator_names::kSysctl,
};

}  // namespace

bool is_known_isolator(std::string_view name) {
  for (auto k : kKnown) {
    if (k == name) return true;
  }
  return false;
}

bool is_capability_name(std::string_view name) {
  for (auto c : kCapabilities) {
    if (c == name) return true;
  }
  return false;
}

Result<Isolator> make_isolator(std::string_view name, std::string_view value_json) {
  auto value = detail::parse_json(value_json, kMaxManifestSize);
  if (!value) return std::move(value).error().context("isolator " + std::string(name));
  detail::Json doc = {{"name", name}, {"value", std::move(*value)}};
  return detail::decode_isolator(detail::Reader(doc, "isolator"), detail::IsolatorScope::kApp);
}

}  // namespace appc
