// The pod's CNI networks (stage1-interface.md, "Networks"). stage0 leaves in the pod dir the
// resolved networks (net-config.json) and the path of a pinned, empty network namespace
// (netns). /init joins every network before the pod's PID 1 starts and records what it got
// (net-info.json, rkt's format); the pod leaves them when it ends, and /gc leaves them again
// when /init died first. Leaving is idempotent: CNI DEL tolerates what is already gone.
#pragma once

#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage1/cni.h"
#include "stage1/pod_config.h"

namespace stage1 {

// The pinned namespace named by the pod dir's `netns` file; it must be this pod's pin.
oslayer::Result<std::string> read_netns_path(int pod_dir, const std::string& uuid);
std::string netns_pin_path(const std::string& uuid);

// Joins every network of net-config.json (in `pod_dir`) in order; on failure the ones joined
// are left again. Writes net-info.json.
oslayer::Result<std::vector<NetInfo>> join_pod_networks(int pod_dir, const std::string& uuid,
                                                        const std::string& netns);
// DEL of every network in reverse order (with the ADD results of net-info.json, when there).
oslayer::Status leave_pod_networks(int pod_dir, const std::string& uuid, const std::string& netns);

// The DNS the networks' results name, for a pod given no --dns (rkt's precedence: flags, then
// CNI results, then the image's file).
std::optional<DnsConfig> dns_from_networks(const std::vector<NetInfo>& infos);

}  // namespace stage1
