// --net: which networks a pod joins (rkt's semantics, Documentation/networking.md). The CNI
// network configs are found and checked here, before any pod exists, and what stage1 runs is
// written into the pod dir as net-config.json (stage1-interface.md, "Networks"). Parsing is
// pure; loading reads net.d and planning checks that each plugin is there.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"

namespace stage0::run {

struct NetRequest {
  std::string name;
  std::string args;  // CNI_ARGS, "K=V;K2=V2"
  bool operator==(const NetRequest&) const = default;
};

struct NetFlag {
  enum class Mode { kHost, kNone, kNetworks };
  Mode mode = Mode::kNetworks;
  bool all = false;  // --net=all: every network in net.d, and default
  std::vector<NetRequest> networks;
};

// "default", "host", "none", "all", or "a,b:K=V;K2=V2" (each network once).
oslayer::Result<NetFlag> parse_net_flag(const std::string& value);

// A CNI network config, a .conf (one plugin) or a .conflist (a chain), as a list of plugins.
struct NetworkConfig {
  std::string name;
  std::string path;  // "" for a built-in network
  std::string cni_version;
  std::vector<nlohmann::json> plugins;  // each with its "type"; name and cniVersion filled in
};

// `path` decides the kind: *.conflist is a chain, anything else a single plugin.
oslayer::Result<NetworkConfig> parse_network_config(std::string_view text, const std::string& path);
// rkt's built-in networks: default (ptp, 172.16.28.0/24, masquerading, a default route) and
// default-restricted (ptp, 172.31.0.0/16, no route out of the host).
std::vector<NetworkConfig> builtin_networks();
// The built-ins, then <local_config>/net.d/*.conf and *.conflist in file-name order. A file
// that names a network already found replaces a built-in, and is ignored after another file.
oslayer::Result<std::vector<NetworkConfig>> load_networks(const std::string& local_config);

// Where plugins are looked for (CNI_PATH): rkt's, Debian's, the CNI default, then net.d.
std::vector<std::string> plugin_dirs(const std::string& local_config);

// The host port forwarded to an app's port (--port), for the portmap plugin.
struct PortForward {
  std::string host_ip;  // "" for every address
  uint16_t host_port = 0;
  uint16_t container_port = 0;
  std::string protocol;  // tcp or udp
};

// The pod manifest's exposed ports, each with the app port of that name (its number and
// protocol) from the apps' sections.
oslayer::Result<std::vector<PortForward>> port_forwards(const appc::PodManifest& pm);

// net-config.json for stage1: the requested networks in order (interfaces eth0, eth1, ...),
// each plugin present in `dirs`. Ports go through a portmap plugin appended to the first
// network that is not default-restricted.
oslayer::Result<std::string> plan_networks(const NetFlag& flag,
                                           const std::vector<NetworkConfig>& available,
                                           const std::vector<std::string>& dirs,
                                           std::chrono::milliseconds timeout,
                                           const std::vector<PortForward>& ports);

}  // namespace stage0::run
