// The CNI exec protocol (github.com/containernetworking/cni SPEC.md): a plugin is a program run
// with CNI_* variables and its network config on stdin; it answers with a result or an error
// object on stdout. stage0 resolved the networks (net-config.json, stage1-interface.md); here
// they are only run. Plan and result parsing are pure; add/del run the plugins.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace stage1 {

// One network the pod joins: its plugins run in order for ADD and in reverse for DEL.
struct CniNetwork {
  std::string name;
  std::string conf_path;                // where the config came from ("" for a built-in network)
  std::string if_name;                  // eth0, eth1, ... in --net order
  std::string args;                     // CNI_ARGS: K=V;K2=V2
  std::vector<nlohmann::json> plugins;  // each with "type"; name and cniVersion filled in
};

struct CniPlan {
  std::vector<std::string> plugin_dirs;  // CNI_PATH
  std::chrono::milliseconds timeout{60000};
  std::vector<CniNetwork> networks;
};

oslayer::Result<CniPlan> parse_cni_plan(std::string_view json);

// What rkt list/status show of a joined network (rkt's net-info.json entry), plus the whole
// result, which DEL is given back as prevResult.
struct NetInfo {
  std::string net_name, conf_path, plugin_path, if_name, ip, mask, gateway, args;
  nlohmann::json result;
  std::vector<std::string> dns_servers, dns_search, dns_options;
  std::string dns_domain;
};

// The facts of a result of any spec version (0.1.0/0.2.0 "ip4", 0.3.0 and later "ips").
oslayer::Result<NetInfo> read_cni_result(const nlohmann::json& result);

std::string encode_net_infos(const std::vector<NetInfo>& infos);
oslayer::Result<std::vector<NetInfo>> decode_net_infos(std::string_view json);

// The path of the program for plugin type `type` in the plan's directories.
oslayer::Result<std::string> find_plugin(const CniPlan& plan, const std::string& type);

// ADD of every plugin of `net` into the namespace pinned at `netns`, for container `id`. On
// failure the plugins already added are deleted again.
oslayer::Result<NetInfo> cni_add(const CniPlan& plan, const CniNetwork& net, const std::string& id,
                                 const std::string& netns);
// DEL in reverse order; `prev` is the ADD result when there was one. Every plugin is run even
// when one fails (what it leaves is the rest's to remove); the first failure is returned.
oslayer::Status cni_del(const CniPlan& plan, const CniNetwork& net, const std::string& id,
                        const std::string& netns, const nlohmann::json* prev);

}  // namespace stage1
