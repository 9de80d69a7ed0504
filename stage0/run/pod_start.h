// The last step of `rkt run` and `rkt run-prepared` (stage1-interface.md, "Mounts" and "The run
// entrypoint"): a private mount namespace, the stage1 and app overlays, the runtime config, then
// exec of stage1's run entrypoint with the pod's lock fd. On success it does not return.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oslayer/result.h"

namespace stage0::run {

struct HostsEntry {
  std::string ip;
  std::vector<std::string> names;
};

// What the run step needs besides the pod dir: the stage1 flags and the runtime-config fields.
// rkt's --dns flags, as stage1's runtime-config carries them. Empty: the image's resolv.conf
// (else the host's); servers {"host"}: the host's file; {"none"}: no resolv.conf.
struct PodDns {
  std::vector<std::string> servers, search, options;
  std::string domain;
  bool empty() const {
    return servers.empty() && search.empty() && options.empty() && domain.empty();
  }
};

// What start_pod mounts: stage1's tree and manifest, and each app's tree and image manifest.
struct PodTrees {
  struct App {
    std::string name, tree_id, manifest;
  };
  std::string stage1_tree;
  std::string stage1_manifest;  // raw JSON
  std::vector<App> apps;
};

// Reads them back from a pod dir (stage1TreeStoreID, stage1/manifest, pod, appsinfo/).
oslayer::Result<PodTrees> read_pod_trees(int pod_dir);

struct StartOptions {
  std::string data_dir;  // for the tree store: <data_dir>/cas/tree/<id>
  std::string pod_path;  // absolute path of the pod dir (in run/)
  std::string uuid;
  int pod_dir = -1;  // the pod dir fd
  int lock_fd = -1;  // already without FD_CLOEXEC
  bool debug = false;
  bool interactive = false;
  std::string hostname;  // empty: stage1's default (rkt-<uuid>)
  std::vector<HostsEntry> hosts_entries;
  std::string net = "default";   // --net, as given (stage1's --net)
  std::string net_plan;          // net-config.json for CNI networks; empty for host and none
  bool hosts_from_host = false;  // --hosts-entry=host: the host's /etc/hosts, read-only
  PodDns dns;
  std::string local_config;  // --local-config, passed on
  bool disable_capabilities = false;
  bool disable_paths = false;
  bool disable_seccomp = false;
  // `rkt run` has them in hand, having just written them; `run-prepared` reads them back.
  std::optional<PodTrees> trees;
};

// --hosts-entry values ("IP=NAME[,IP=NAME...]"), merged by IP in order.
oslayer::Result<std::vector<HostsEntry>> parse_hosts_entries(const std::vector<std::string>& flags);
// True for --hosts-entry=host alone; an error when "host" comes with IP=NAME entries.
oslayer::Result<bool> hosts_entry_is_host(const std::vector<std::string>& flags);
// --dns (IP, "host" or "none"; repeatable), --dns-search, --dns-opt, --dns-domain, checked.
oslayer::Result<PodDns> parse_dns(const std::vector<std::string>& servers,
                                  const std::vector<std::string>& search,
                                  const std::vector<std::string>& options,
                                  const std::string& domain);

// The runtime-config JSON stage1 reads.
std::string runtime_config_json(const StartOptions& o);

// The argv of the run entrypoint (argv[0] = `entrypoint`).
std::vector<std::string> stage1_run_argv(const std::string& entrypoint, const StartOptions& o);

// Reads the entrypoint `name` ("run") from the pod's stage1/manifest annotations.
oslayer::Result<std::string> stage1_entrypoint(int pod_dir, const std::string& name);
// The same from the manifest's text.
oslayer::Result<std::string> stage1_entrypoint_of(const std::string& manifest,
                                                  const std::string& name);

// Mounts and execs; returns only on failure.
oslayer::Status start_pod(const StartOptions& o);

}  // namespace stage0::run
