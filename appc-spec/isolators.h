// Every isolator the spec (and its reference code at v0.8.11+) defines, typed, plus the unknown
// ones that a pod-level list may carry. Decoding and encoding live in isolators_json.cc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "appc-spec/names.h"
#include "appc-spec/quantity.h"

namespace appc {

// resource/cpu and resource/memory: request and limit; `default` must be false.
struct ResourceCpu {
  std::optional<Quantity> request, limit;
  bool operator==(const ResourceCpu&) const = default;
};
struct ResourceMemory {
  std::optional<Quantity> request, limit;
  bool operator==(const ResourceMemory&) const = default;
};
// resource/block-bandwidth, block-iops, network-bandwidth: `default` must be true, no request.
struct ResourceBlockBandwidth {
  Quantity limit;
  bool operator==(const ResourceBlockBandwidth&) const = default;
};
struct ResourceBlockIops {
  Quantity limit;
  bool operator==(const ResourceBlockIops&) const = default;
};
struct ResourceNetworkBandwidth {
  Quantity limit;
  bool operator==(const ResourceNetworkBandwidth&) const = default;
};
// Capability names are checked against Linux's list ("CAP_" + upper case).
struct CapabilitiesRetainSet {
  std::vector<std::string> set;
  bool operator==(const CapabilitiesRetainSet&) const = default;
};
struct CapabilitiesRemoveSet {
  std::vector<std::string> set;
  bool operator==(const CapabilitiesRemoveSet&) const = default;
};
struct NoNewPrivileges {
  bool value = false;
  bool operator==(const NoNewPrivileges&) const = default;
};
// Syscall names and @group names are resolved by the stage that loads the filter; here only the
// shape is checked. An empty errno means "kill the process".
struct SeccompRetainSet {
  std::vector<std::string> set;
  std::string errno_name;
  bool operator==(const SeccompRetainSet&) const = default;
};
struct SeccompRemoveSet {
  std::vector<std::string> set;
  std::string errno_name;
  bool operator==(const SeccompRemoveSet&) const = default;
};
struct SelinuxContext {
  std::string user, role, type, level;
  bool operator==(const SelinuxContext&) const = default;
};
struct ApparmorProfile {
  std::string profile;
  bool operator==(const ApparmorProfile&) const = default;
};
struct OomScoreAdj {
  int value = 0;  // -1000..1000
  bool operator==(const OomScoreAdj&) const = default;
};
struct CpuShares {
  int value = 0;  // 2..262144
  bool operator==(const CpuShares&) const = default;
};
struct Sysctl {
  std::map<std::string, std::string> values;
  bool operator==(const Sysctl&) const = default;
};
// A name Rocket does not know, kept with its value as JSON text (only where the spec lets an
// executor carry it: pod-level isolators).
struct UnknownIsolator {
  std::string value_json;
  bool operator==(const UnknownIsolator&) const = default;
};

using IsolatorValue =
    std::variant<ResourceCpu, ResourceMemory, ResourceBlockBandwidth, ResourceBlockIops,
                 ResourceNetworkBandwidth, CapabilitiesRetainSet, CapabilitiesRemoveSet,
                 NoNewPrivileges, SeccompRetainSet, SeccompRemoveSet, SelinuxContext,
                 ApparmorProfile, OomScoreAdj, CpuShares, Sysctl, UnknownIsolator>;

struct Isolator {
  AcIdentifier name;
  IsolatorValue value;
  bool operator==(const Isolator&) const = default;
};

namespace isolator_names {
inline constexpr std::string_view kResourceCpu = "resource/cpu";
inline constexpr std::string_view kResourceMemory = "resource/memory";
inline constexpr std::string_view kResourceBlockBandwidth = "resource/block-bandwidth";
inline constexpr std::string_view kResourceBlockIops = "resource/block-iops";
inline constexpr std::string_view kResourceNetworkBandwidth = "resource/network-bandwidth";
inline constexpr std::string_view kCapabilitiesRetainSet = "os/linux/capabilities-retain-set";
inline constexpr std::string_view kCapabilitiesRemoveSet = "os/linux/capabilities-remove-set";
inline constexpr std::string_view kNoNewPrivileges = "os/linux/no-new-privileges";
inline constexpr std::string_view kSeccompRetainSet = "os/linux/seccomp-retain-set";
inline constexpr std::string_view kSeccompRemoveSet = "os/linux/seccomp-remove-set";
inline constexpr std::string_view kSelinuxContext = "os/linux/selinux-context";
inline constexpr std::string_view kApparmorProfile = "os/linux/apparmor-profile";
inline constexpr std::string_view kOomScoreAdj = "os/linux/oom-score-adj";
inline constexpr std::string_view kCpuShares = "os/linux/cpu-shares";
inline constexpr std::string_view kSysctl = "os/unix/sysctl";
}  // namespace isolator_names

// True for every name above.
bool is_known_isolator(std::string_view name);

// Linux capability names ("CAP_CHOWN"...); false for anything else.
bool is_capability_name(std::string_view name);

// Builds an isolator from its parts, with the same checks as decoding. For stage0's CLI flags.
Result<Isolator> make_isolator(std::string_view name, std::string_view value_json);

}  // namespace appc
