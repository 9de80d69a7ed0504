#include "stage0/run/network_plan.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "oslayer/fd.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
using Json = nlohmann::json;

constexpr size_t kMaxConfig = 1 << 20;
constexpr const char* kDefaultVersion = "0.4.0";

// A network name becomes part of file names and iptables comments: CNI's own rule.
bool is_network_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return n != "." && n != "..";
}

// CNI_ARGS: K=V pairs separated by ';', with no blank or control characters.
bool is_cni_args(std::string_view a) {
  size_t pos = 0;
  while (pos <= a.size()) {
    size_t semi = std::min(a.find(';', pos), a.size());
    std::string_view kv = a.substr(pos, semi - pos);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    for (char c : kv) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    }
    pos = semi + 1;
  }
  return true;
}

std::string str(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<std::string> find_in(const std::vector<std::string>& dirs, const std::string& type,
                            const std::string& network) {
  if (type.empty() || type.find('/') != std::string::npos || type[0] == '.') {
    return Error::msg("network " + network + ": plugin type \"" + type +
                      "\" is not a plain program name");
  }
  for (const auto& d : dirs) {
    const std::string p = d + "/" + type;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  std::string list;
  for (const auto& d : dirs) list += (list.empty() ? "" : ":") + d;
  return Error::msg("network " + network + ": plugin " + type + " not found in " + list);
}

}  // namespace

Result<NetFlag> parse_net_flag(const std::string& value) {
  NetFlag f;
  if (value == "host") return NetFlag{NetFlag::Mode::kHost, false, {}};
  if (value == "none") return NetFlag{NetFlag::Mode::kNone, false, {}};
  if (value == "all") return NetFlag{NetFlag::Mode::kNetworks, true, {}};
  if (value.empty()) return Error::msg("--net needs a value");
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = std::min(value.find(',', pos), value.size());
    std::string part = value.substr(pos, comma - pos);
    pos = comma + 1;
    NetRequest r;
    size_t colon = part.find(':');
    r.name = part.substr(0, colon);
    if (colon != std::string::npos) r.args = part.substr(colon + 1);
    if (r.name == "host" || r.name == "none" || r.name == "all") {
      return Error::msg("--net=" + value + ": \"" + r.name + "\" cannot be combined with networks");
    }
    if (!is_network_name(r.name)) {
      return Error::msg("--net=" + value + ": \"" + r.name + "\" is not a network name");
    }
    if (colon != std::string::npos && !is_cni_args(r.args)) {
      return Error::msg("--net=" + value + ": the arguments of network " + r.name +
                        " must be K=V pairs separated by ';'");
    }
    for (const auto& seen : f.networks) {
      if (seen.name == r.name) {
        return Error::msg("--net=" + value + ": network " + r.name + " is given twice");
      }
    }
    f.networks.push_back(std::move(r));
  }
  return f;
}

Result<NetworkConfig> parse_network_config(std::string_view text, const std::string& path) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return Error::msg("network config " + path + " is not a JSON object");
  NetworkConfig c;
  c.path = path;
  c.name = str(j, "name");
  if (!is_network_name(c.name)) {
    return Error::msg("network config " + path + ": \"name\" must be a network name");
  }
  c.cni_version = str(j, "cniVersion");
  if (c.cni_version.empty()) c.cni_version = kDefaultVersion;
  const bool chain = path.ends_with(".conflist");
  std::vector<Json> entries;
  if (chain) {
    auto plugins = j.find("plugins");
    if (plugins == j.end() || !plugins->is_array() || plugins->empty()) {
      return Error::msg("network config " + path + ": a .conflist needs a non-empty \"plugins\"");
    }
    for (const auto& p : *plugins) entries.push_back(p);
  } else {
    entries.push_back(j);
  }
  for (Json& p : entries) {
    if (!p.is_object() || str(p, "type").empty()) {
      return Error::msg("network config " + path + ": every plugin needs a \"type\"");
    }
    p["name"] = c.name;
    p["cniVersion"] = c.cni_version;
    c.plugins.push_back(std::move(p));
  }
  return c;
}

std::vector<NetworkConfig> builtin_networks() {
  const char* kDefault = R"({"cniVersion":"0.4.0","name":"default","type":"ptp","ipMasq":true,
    "ipam":{"type":"host-local","subnet":"172.16.28.0/24","routes":[{"dst":"0.0.0.0/0"}]}})";
  const char* kRestricted = R"({"cniVersion":"0.4.0","name":"default-restricted","type":"ptp",
    "ipMasq":false,"ipam":{"type":"host-local","subnet":"172.31.0.0/16"}})";
  std::vector<NetworkConfig> out;
  for (const char* text : {kDefault, kRestricted}) out.push_back(*parse_network_config(text, ""));
  return out;
}

Result<std::vector<NetworkConfig>> load_networks(const std::string& local_config) {
  std::vector<NetworkConfig> out = builtin_networks();
  const std::string dir = local_config + "/net.d";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return out;
    return Error::sys(errno, "reading " + dir);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n[0] != '.' && (n.ends_with(".conf") || n.ends_with(".conflist"))) names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<std::string> from_files;
  for (const auto& n : names) {
    const std::string path = dir + "/" + n;
    auto text = oslayer::read_file(path, kMaxConfig);
    if (!text) return std::move(text).error().context("reading network config");
    auto c = parse_network_config(*text, path);
    if (!c) return std::move(c).error();
    if (std::find(from_files.begin(), from_files.end(), c->name) != from_files.end()) continue;
    from_files.push_back(c->name);
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const NetworkConfig& o) { return o.name == c->name; });
    if (same != out.end()) {
      *same = std::move(*c);
    } else {
      out.push_back(std::move(*c));
    }
  }
  return out;
}

std::vector<std::string> plugin_dirs(const std::string& local_config) {
  return {"/usr/lib/rkt/plugins/net", "/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin",
          local_config + "/net.d"};
}

Result<std::vector<PortForward>> port_forwards(const appc::PodManifest& pm) {
  std::vector<PortForward> out;
  for (const auto& ep : pm.ports) {
    const appc::Port* port = nullptr;
    for (const auto& ra : pm.apps) {
      if (!ra.app) continue;
      for (const auto& p : ra.app->ports) {
        if (p.name == ep.name && port == nullptr) port = &p;
      }
    }
    if (port == nullptr) {
      return Error::msg("port " + ep.name.str() + ": no app of the pod has a port of that name");
    }
    out.push_back(PortForward{ep.host_ip, ep.host_port, port->port,
                              port->protocol.empty() ? "tcp" : port->protocol});
  }
  return out;
}

Result<std::string> plan_networks(const NetFlag& flag, const std::vector<NetworkConfig>& available,
                                  const std::vector<std::string>& dirs,
                                  std::chrono::milliseconds timeout,
                                  const std::vector<PortForward>& ports) {
  std::vector<NetRequest> wanted = flag.networks;
  if (flag.all) {
    for (const auto& c : available) {
      if (c.name != "default-restricted") wanted.push_back(NetRequest{c.name, ""});
    }
  }
  Json nets = Json::array();
  bool ports_placed = ports.empty();
  for (size_t i = 0; i < wanted.size(); ++i) {
    const NetRequest& r = wanted[i];
    auto c = std::find_if(available.begin(), available.end(),
                          [&](const NetworkConfig& o) { return o.name == r.name; });
    if (c == available.end()) {
      return Error::msg("network " + r.name +
                        " is not defined (no built-in network and no config in net.d names it)");
    }
    Json plugins = Json::array();
    for (const Json& p : c->plugins) {
      auto found = find_in(dirs, str(p, "type"), r.name);
      if (!found) return std::move(found).error();
      if (auto ipam = p.find("ipam"); ipam != p.end() && ipam->is_object()) {
        if (auto ip = find_in(dirs, str(*ipam, "type"), r.name); !ip) {
          return std::move(ip).error().context("IPAM");
        }
      }
      plugins.push_back(p);
    }
    if (!ports_placed && r.name != "default-restricted") {
      auto found = find_in(dirs, "portmap", r.name);
      if (!found) return std::move(found).error().context("--port");
      Json maps = Json::array();
      for (const auto& pf : ports) {
        Json m = {{"hostPort", pf.host_port},
                  {"containerPort", pf.container_port},
                  {"protocol", pf.protocol}};
        if (!pf.host_ip.empty()) m["hostIP"] = pf.host_ip;
        maps.push_back(std::move(m));
      }
      plugins.push_back({{"type", "portmap"},
                         {"name", c->name},
                         {"cniVersion", c->cni_version},
                         {"snat", true},
                         {"capabilities", {{"portMappings", true}}},
                         {"runtimeConfig", {{"portMappings", maps}}}});
      ports_placed = true;
    }
    nets.push_back({{"name", r.name},
                    {"confPath", c->path},
                    {"ifName", "eth" + std::to_string(i)},
                    {"args", r.args},
                    {"plugins", std::move(plugins)}});
  }
  if (wanted.empty()) return Error::msg("--net names no network");
  if (!ports_placed) {
    return Error::msg("--port needs a network with a route out (not only default-restricted)");
  }
  Json plan = {{"pluginDirs", dirs},
               {"timeoutMs", static_cast<uint64_t>(timeout.count())},
               {"networks", std::move(nets)}};
  return plan.dump() + "\n";
}

}  // namespace stage0::run
