// What the run entrypoint is told: its flags (stage1-interface.md), the pod manifest stage0
// wrote, and runtime-config. Pure parsing here; load_pod_config() only reads the two files.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"

namespace stage1 {

struct RunFlags {
  bool debug = false;
  std::string net = "host";
  bool interactive = false;
  std::string local_config;
  std::optional<std::string> hostname;
  bool disable_capabilities = false;
  bool disable_paths = false;
  bool disable_seccomp = false;
  std::string uuid;
};

// `args` excludes argv[0]. Unknown flags, a missing or malformed UUID, and networks other than
// "host" are errors.
oslayer::Result<RunFlags> parse_run_flags(const std::vector<std::string>& args);

struct HostsEntry {
  std::string ip;
  std::vector<std::string> names;
  bool operator==(const HostsEntry&) const = default;
};

// rkt's --dns, --dns-search, --dns-opt, --dns-domain. servers == {"host"}: the host's
// resolv.conf; {"none"}: no resolv.conf is provided at all.
struct DnsConfig {
  std::vector<std::string> servers;
  std::vector<std::string> search;
  std::vector<std::string> options;
  std::string domain;
  bool operator==(const DnsConfig&) const = default;
};

struct RuntimeConfig {
  std::string hostname;
  std::vector<HostsEntry> hosts_entries;
  bool hosts_from_host = false;  // --hosts-entry=host: the host's /etc/hosts, bound read-only
  std::optional<DnsConfig> dns;
  std::chrono::milliseconds stop_timeout{10000};
  bool interactive = false;
};

oslayer::Result<RuntimeConfig> parse_runtime_config(std::string_view json);

// Everything the pod needs, flags merged over runtime-config.
struct PodConfig {
  RunFlags flags;
  RuntimeConfig runtime;
  appc::PodManifest manifest;
  std::string hostname;  // flags, else runtime-config, else rkt-<uuid>
  bool interactive = false;
};

// Reads `pod` and `runtime-config` (missing: defaults) from the pod directory `pod_dir`.
oslayer::Result<PodConfig> load_pod_config(int pod_dir, RunFlags flags);
// The checks that need both: hostname syntax, --interactive with exactly one app, apps present.
oslayer::Result<PodConfig> merge_pod_config(RunFlags flags, RuntimeConfig runtime,
                                            appc::PodManifest manifest);

bool is_pod_uuid(std::string_view s);

}  // namespace stage1
