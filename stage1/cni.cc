#include "stage1/cni.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oslayer/subprocess.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;
using Json = nlohmann::json;

std::string str(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> strings(const Json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const auto& e : *it) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

// "172.16.28.2/24" -> ip "172.16.28.2", mask "255.255.255.0" (rkt shows the mask as an address).
Status split_cidr(const std::string& cidr, NetInfo& info) {
  const size_t slash = cidr.find('/');
  if (slash == std::string::npos) return Error::msg("\"" + cidr + "\" is not an address/prefix");
  info.ip = cidr.substr(0, slash);
  const std::string bits = cidr.substr(slash + 1);
  in_addr a4{};
  if (::inet_pton(AF_INET, info.ip.c_str(), &a4) != 1) {
    info.mask = "/" + bits;  // IPv6: the prefix length as given
    return oslayer::ok();
  }
  char* end = nullptr;
  long n = std::strtol(bits.c_str(), &end, 10);
  if (bits.empty() || *end != '\0' || n < 0 || n > 32) {
    return Error::msg("\"" + cidr + "\" has a bad prefix length");
  }
  uint32_t m = n == 0 ? 0 : ~uint32_t{0} << (32 - n);
  in_addr mask{htonl(m)};
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &mask, buf, sizeof buf);
  info.mask = buf;
  return oslayer::ok();
}

// The plugin's own message from its error object, else what it printed.
std::string plugin_failure(const oslayer::ProcessResult& r) {
  Json j = Json::parse(r.out, nullptr, false);
  if (j.is_object() && j.contains("msg")) {
    std::string m = str(j, "msg");
    if (std::string d = str(j, "details"); !d.empty()) m += " (" + d + ")";
    if (j.contains("code") && j["code"].is_number_integer()) {
      m += " [code " + std::to_string(j["code"].get<long>()) + "]";
    }
    return m;
  }
  std::string text = !r.err.empty() ? r.err : r.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  if (WIFSIGNALED(r.wait_status)) {
    return "killed by signal " + std::to_string(WTERMSIG(r.wait_status));
  }
  return "exit status " + std::to_string(WEXITSTATUS(r.wait_status)) +
         (text.empty() ? "" : ": " + text);
}

Result<Json> invoke(const CniPlan& plan, const CniNetwork& net, const Json& conf,
                    const std::string& command, const std::string& id, const std::string& netns) {
  const std::string type = str(conf, "type");
  auto path = find_plugin(plan, type);
  if (!path) return std::move(path).error().context("network " + net.name);
  std::string dirs;
  for (const auto& d : plan.plugin_dirs) dirs += (dirs.empty() ? "" : ":") + d;
  const std::string input = conf.dump();
  oslayer::ProcessSpec spec{
      .path = *path,
      .argv = {type},
      .env = {"CNI_COMMAND=" + command, "CNI_CONTAINERID=" + id, "CNI_NETNS=" + netns,
              "CNI_IFNAME=" + net.if_name, "CNI_ARGS=" + net.args, "CNI_PATH=" + dirs,
              // The plugins run iptables and ip themselves.
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      .input = input,
      .timeout = plan.timeout};
  const std::string who =
      "network " + net.name + ": plugin " + type + " (" + *path + ") " + command;
  auto r = oslayer::run_process(spec);
  if (!r) return std::move(r).error().context(who);
  if (r->timed_out) {
    return Error::msg(who + " did not finish within " + std::to_string(plan.timeout.count()) +
                      " ms and was killed");
  }
  if (!WIFEXITED(r->wait_status) || WEXITSTATUS(r->wait_status) != 0) {
    return Error::msg(who + " failed: " + plugin_failure(*r));
  }
  if (command != "ADD") return Json();
  Json result = Json::parse(r->out, nullptr, false);
  if (!result.is_object()) return Error::msg(who + " printed no result object");
  return result;
}

// The config a plugin gets: its own entry, the network's name and version, and for a chained
// plugin (and for DEL) the result so far.
Json plugin_conf(const Json& plugin, const Json* prev) {
  Json conf = plugin;
  if (prev != nullptr && !prev->is_null()) conf["prevResult"] = *prev;
  return conf;
}

}  // namespace

Result<CniPlan> parse_cni_plan(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return Error::msg("net-config.json is not a JSON object");
  CniPlan plan;
  plan.plugin_dirs = strings(j, "pluginDirs");
  if (auto it = j.find("timeoutMs"); it != j.end() && it->is_number_unsigned()) {
    plan.timeout = std::chrono::milliseconds(it->get<uint64_t>());
  }
  auto nets = j.find("networks");
  if (nets == j.end() || !nets->is_array()) return Error::msg("net-config.json has no networks");
  for (const auto& n : *nets) {
    if (!n.is_object()) return Error::msg("net-config.json: a network is not an object");
    CniNetwork net{str(n, "name"), str(n, "confPath"), str(n, "ifName"), str(n, "args"), {}};
    auto plugins = n.find("plugins");
    if (net.name.empty() || net.if_name.empty() || plugins == n.end() || !plugins->is_array() ||
        plugins->empty()) {
      return Error::msg("net-config.json: network \"" + net.name + "\" is incomplete");
    }
    for (const auto& p : *plugins) {
      if (!p.is_object() || str(p, "type").empty()) {
        return Error::msg("net-config.json: network " + net.name + " has a plugin without a type");
      }
      net.plugins.push_back(p);
    }
    plan.networks.push_back(std::move(net));
  }
  return plan;
}

Result<NetInfo> read_cni_result(const Json& result) {
  NetInfo info;
  info.result = result;
  std::string cidr;
  if (auto ips = result.find("ips"); ips != result.end() && ips->is_array()) {
    // The first IPv4 address, else the first address.
    for (const auto& ip : *ips) {
      if (!ip.is_object()) continue;
      std::string a = str(ip, "address");
      bool v4 = str(ip, "version") == "4" || a.find(':') == std::string::npos;
      if (cidr.empty() || (v4 && cidr.find(':') != std::string::npos)) {
        cidr = a;
        info.gateway = str(ip, "gateway");
      }
    }
  } else if (auto ip4 = result.find("ip4"); ip4 != result.end() && ip4->is_object()) {
    cidr = str(*ip4, "ip");
    info.gateway = str(*ip4, "gateway");
  }
  if (cidr.empty()) return Error::msg("the result gives the pod no IP address");
  if (auto st = split_cidr(cidr, info); !st) return std::move(st).error();
  if (auto dns = result.find("dns"); dns != result.end() && dns->is_object()) {
    info.dns_servers = strings(*dns, "nameservers");
    info.dns_search = strings(*dns, "search");
    info.dns_options = strings(*dns, "options");
    info.dns_domain = str(*dns, "domain");
  }
  return info;
}

std::string encode_net_infos(const std::vector<NetInfo>& infos) {
  Json out = Json::array();
  for (const auto& i : infos) {
    out.push_back({{"netName", i.net_name},
                   {"netConf", i.conf_path},
                   {"pluginPath", i.plugin_path},
                   {"ifName", i.if_name},
                   {"ip", i.ip},
                   {"args", i.args},
                   {"mask", i.mask},
                   {"gateway", i.gateway},
                   {"result", i.result}});
  }
  return out.dump() + "\n";
}

Result<std::vector<NetInfo>> decode_net_infos(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return Error::msg("net-info.json is not a JSON array");
  std::vector<NetInfo> out;
  for (const auto& e : j) {
    if (!e.is_object()) return Error::msg("net-info.json: an entry is not an object");
    NetInfo i;
    i.net_name = str(e, "netName");
    i.conf_path = str(e, "netConf");
    i.plugin_path = str(e, "pluginPath");
    i.if_name = str(e, "ifName");
    i.ip = str(e, "ip");
    i.args = str(e, "args");
    i.mask = str(e, "mask");
    i.gateway = str(e, "gateway");
    if (auto r = e.find("result"); r != e.end()) i.result = *r;
    out.push_back(std::move(i));
  }
  return out;
}

Result<std::string> find_plugin(const CniPlan& plan, const std::string& type) {
  if (type.empty() || type.find('/') != std::string::npos || type[0] == '.') {
    return Error::msg("plugin type \"" + type + "\" is not a plain program name");
  }
  for (const auto& d : plan.plugin_dirs) {
    const std::string p = d + "/" + type;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  std::string dirs;
  for (const auto& d : plan.plugin_dirs) dirs += (dirs.empty() ? "" : ":") + d;
  return Error::msg("plugin " + type + " is not in " + dirs);
}

Result<NetInfo> cni_add(const CniPlan& plan, const CniNetwork& net, const std::string& id,
                        const std::string& netns) {
  Json prev;
  for (const auto& p : net.plugins) {
    auto r = invoke(plan, net, plugin_conf(p, &prev), "ADD", id, netns);
    if (!r) {
      // The spec's rule for a failed ADD: DEL, so that nothing of it stays behind.
      if (auto st = cni_del(plan, net, id, netns, prev.is_null() ? nullptr : &prev); !st) {
        return std::move(r).error().context(st.error().text() + "; after");
      }
      return std::move(r).error();
    }
    prev = std::move(*r);
  }
  auto info = read_cni_result(prev);
  if (!info) {
    (void)cni_del(plan, net, id, netns, &prev);
    return std::move(info).error().context("network " + net.name);
  }
  info->net_name = net.name;
  info->conf_path = net.conf_path;
  info->if_name = net.if_name;
  info->args = net.args;
  if (auto path = find_plugin(plan, str(net.plugins.front(), "type")); path) {
    info->plugin_path = *path;
  }
  return info;
}

Status cni_del(const CniPlan& plan, const CniNetwork& net, const std::string& id,
               const std::string& netns, const Json* prev) {
  Status first = oslayer::ok();
  for (auto it = net.plugins.rbegin(); it != net.plugins.rend(); ++it) {
    auto r = invoke(plan, net, plugin_conf(*it, prev), "DEL", id, netns);
    if (!r && first) first = std::move(r).error();
  }
  return first;
}

}  // namespace stage1
