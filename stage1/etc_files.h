// The /etc/hosts and /etc/resolv.conf a pod's apps see, rendered from runtime-config. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stage1/pod_config.h"

namespace stage1 {

// localhost for IPv4 and IPv6, the pod's hostname on 127.0.1.1 (as Debian does), then the
// --hosts-entry lines in order.
std::string render_hosts(const std::string& hostname, const std::vector<HostsEntry>& entries);

// What resolv.conf an app gets.
enum class ResolvSource {
  kImage,      // the image's own, when it has one; otherwise the host's (read-only)
  kHost,       // --dns=host: the host's, read-only
  kGenerated,  // from --dns, --dns-search, --dns-opt, --dns-domain
  kNone,       // --dns=none: nothing is mounted
};
ResolvSource resolv_source(const std::optional<DnsConfig>& dns);
std::string render_resolv_conf(const DnsConfig& dns);

}  // namespace stage1
