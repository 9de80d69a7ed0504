#include "stage1/pod_network.h"

#include <fcntl.h>

#include <optional>

#include "oslayer/atomic_file.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

constexpr size_t kMaxNetFile = 4 << 20;

Result<CniPlan> read_plan(int pod_dir) {
  auto fd = oslayer::open_at(pod_dir, "net-config.json", O_RDONLY);
  if (!fd) return std::move(fd).error().context("reading the pod's networks");
  auto text = oslayer::read_all(fd->get(), kMaxNetFile);
  if (!text) return std::move(text).error().context("reading net-config.json");
  return parse_cni_plan(*text);
}

}  // namespace

std::string netns_pin_path(const std::string& uuid) { return "/run/netns/rkt-" + uuid; }

Result<std::string> read_netns_path(int pod_dir, const std::string& uuid) {
  auto fd = oslayer::open_at(pod_dir, "netns", O_RDONLY);
  if (!fd) return std::move(fd).error().context("reading the pod's netns file");
  auto text = oslayer::read_all(fd->get(), 4096);
  if (!text) return std::move(text).error().context("reading the pod's netns file");
  std::string path = *text;
  while (!path.empty() && path.back() == '\n') path.pop_back();
  // The file is the pod's own, but only this pod's pin is ever unmounted through it.
  if (path != netns_pin_path(uuid)) {
    return Error::msg("the pod's netns file names \"" + path + "\", not " + netns_pin_path(uuid));
  }
  return path;
}

Result<std::vector<NetInfo>> join_pod_networks(int pod_dir, const std::string& uuid,
                                               const std::string& netns) {
  auto plan = read_plan(pod_dir);
  if (!plan) return std::move(plan).error();
  std::vector<NetInfo> infos;
  for (const auto& net : plan->networks) {
    oslayer::log_debug("joining network " + net.name + " as " + net.if_name);
    auto info = cni_add(*plan, net, uuid, netns);
    if (!info) {
      for (size_t i = infos.size(); i-- > 0;) {
        if (auto st = cni_del(*plan, plan->networks[i], uuid, netns, &infos[i].result); !st) {
          oslayer::log_warning(st.error().text());
        }
      }
      return std::move(info).error();
    }
    infos.push_back(std::move(*info));
  }
  if (auto st = oslayer::write_file_atomic(pod_dir, "net-info.json", encode_net_infos(infos), 0644,
                                           oslayer::Durability::kVolatile);
      !st) {
    for (size_t i = infos.size(); i-- > 0;) {
      (void)cni_del(*plan, plan->networks[i], uuid, netns, &infos[i].result);
    }
    return std::move(st).error();
  }
  return infos;
}

Status leave_pod_networks(int pod_dir, const std::string& uuid, const std::string& netns) {
  auto plan = read_plan(pod_dir);
  if (!plan) return std::move(plan).error();
  std::vector<NetInfo> infos;
  if (auto fd = oslayer::open_at(pod_dir, "net-info.json", O_RDONLY); fd) {
    if (auto text = oslayer::read_all(fd->get(), kMaxNetFile); text) {
      if (auto d = decode_net_infos(*text); d) infos = std::move(*d);
    }
  }
  Status first = oslayer::ok();
  for (size_t i = plan->networks.size(); i-- > 0;) {
    const auto& net = plan->networks[i];
    const nlohmann::json* prev = nullptr;
    for (const auto& info : infos) {
      if (info.net_name == net.name && !info.result.is_null()) prev = &info.result;
    }
    oslayer::log_debug("leaving network " + net.name);
    if (auto st = cni_del(*plan, net, uuid, netns, prev); !st && first) first = std::move(st);
  }
  return first;
}

std::optional<DnsConfig> dns_from_networks(const std::vector<NetInfo>& infos) {
  DnsConfig dns;
  for (const auto& i : infos) {
    dns.servers.insert(dns.servers.end(), i.dns_servers.begin(), i.dns_servers.end());
    dns.search.insert(dns.search.end(), i.dns_search.begin(), i.dns_search.end());
    dns.options.insert(dns.options.end(), i.dns_options.begin(), i.dns_options.end());
    if (dns.domain.empty()) dns.domain = i.dns_domain;
  }
  if (dns.servers.empty()) return std::nullopt;
  return dns;
}

}  // namespace stage1
