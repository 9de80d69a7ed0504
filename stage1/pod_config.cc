#include "stage1/pod_config.h"

#include <fcntl.h>

#include <cerrno>
#include <cmath>
#include <nlohmann/json.hpp>

#include "appc-spec/image_manifest.h"
#include "appc-spec/names.h"
#include "oslayer/fd.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Result;
using Json = nlohmann::json;

Result<bool> parse_bool(const std::string& flag, const std::string& v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return Error::msg("flag " + flag + ": \"" + v + "\" is not a boolean");
}

Result<std::vector<std::string>> string_list(const Json& j, const std::string& what) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Error::msg(what + " must be an array of strings");
  for (const auto& e : j) {
    if (!e.is_string()) return Error::msg(what + " must be an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

const Json* member(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

bool is_pod_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<RunFlags> parse_run_flags(const std::vector<std::string>& args) {
  RunFlags f;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      positional.push_back(a);
      continue;
    }
    auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = a.substr(eq + 1);
    auto boolean = [&](bool& out) -> oslayer::Status {
      if (!value) {
        out = true;
        return oslayer::ok();
      }
      auto b = parse_bool(name, *value);
      if (!b) return std::move(b).error();
      out = *b;
      return oslayer::ok();
    };
    auto string = [&](std::string& out) -> oslayer::Status {
      if (!value) {
        if (i + 1 >= args.size()) return Error::msg("flag " + name + " needs a value");
        value = args[++i];
      }
      out = *value;
      return oslayer::ok();
    };
    oslayer::Status s;
    if (name == "--debug") {
      s = boolean(f.debug);
    } else if (name == "--interactive") {
      s = boolean(f.interactive);
    } else if (name == "--disable-capabilities-restriction") {
      s = boolean(f.disable_capabilities);
    } else if (name == "--disable-paths") {
      s = boolean(f.disable_paths);
    } else if (name == "--disable-seccomp") {
      s = boolean(f.disable_seccomp);
    } else if (name == "--net") {
      s = string(f.net);
    } else if (name == "--local-config") {
      s = string(f.local_config);
    } else if (name == "--hostname") {
      std::string h;
      s = string(h);
      f.hostname = h;
    } else {
      return Error::msg("unknown flag " + name);
    }
    if (!s) return s.error();
  }
  // Any other value names CNI networks, which stage0 resolved into net-config.json.
  if (f.net.empty()) return Error::msg("--net needs a value");
  if (positional.size() != 1) return Error::msg("expected exactly one argument, the pod UUID");
  if (!is_pod_uuid(positional[0])) {
    return Error::msg("\"" + positional[0] + "\" is not a pod UUID");
  }
  f.uuid = positional[0];
  return f;
}

Result<RuntimeConfig> parse_runtime_config(std::string_view text) {
  RuntimeConfig rc;
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::msg("not a JSON object");
  if (const Json* h = member(j, "hostname")) {
    if (!h->is_string()) return Error::msg("hostname must be a string");
    rc.hostname = h->get<std::string>();
  }
  if (const Json* entries = member(j, "hostsEntries")) {
    if (!entries->is_array()) return Error::msg("hostsEntries must be an array");
    for (const auto& e : *entries) {
      if (!e.is_object()) return Error::msg("hostsEntries: each entry must be an object");
      HostsEntry he;
      const Json* ip = member(e, "ip");
      if (ip == nullptr || !ip->is_string()) return Error::msg("hostsEntries: ip must be a string");
      he.ip = ip->get<std::string>();
      auto names = string_list(e.value("names", Json()), "hostsEntries: names");
      if (!names) return std::move(names).error();
      he.names = std::move(*names);
      rc.hosts_entries.push_back(std::move(he));
    }
  }
  if (const Json* h = member(j, "hostsFromHost")) {
    if (!h->is_boolean()) return Error::msg("hostsFromHost must be a boolean");
    rc.hosts_from_host = h->get<bool>();
  }
  if (const Json* dns = member(j, "dns")) {
    if (!dns->is_object()) return Error::msg("dns must be an object");
    DnsConfig d;
    for (auto [key, out] : {std::pair{"servers", &d.servers}, std::pair{"search", &d.search},
                            std::pair{"options", &d.options}}) {
      auto l = string_list(dns->value(key, Json()), std::string("dns.") + key);
      if (!l) return std::move(l).error();
      *out = std::move(*l);
    }
    if (const Json* domain = member(*dns, "domain")) {
      if (!domain->is_string()) return Error::msg("dns.domain must be a string");
      d.domain = domain->get<std::string>();
    }
    rc.dns = std::move(d);
  }
  if (const Json* t = member(j, "stopTimeout")) {
    if (!t->is_number() || t->get<double>() < 0 || t->get<double>() > 86400 * 365) {
      return Error::msg("stopTimeout must be a number of seconds");
    }
    rc.stop_timeout = std::chrono::milliseconds(std::llround(t->get<double>() * 1000));
  }
  if (const Json* i = member(j, "interactive")) {
    if (!i->is_boolean()) return Error::msg("interactive must be a boolean");
    rc.interactive = i->get<bool>();
  }
  return rc;
}

Result<PodConfig> merge_pod_config(RunFlags flags, RuntimeConfig runtime,
                                   appc::PodManifest manifest) {
  std::string hostname = flags.hostname              ? *flags.hostname
                         : !runtime.hostname.empty() ? runtime.hostname
                                                     : "rkt-" + flags.uuid;
  // stage0 checks it too; this is the pod's last word before sethostname.
  if (auto st = appc::check_hostname(hostname); !st) return std::move(st).error();
  bool interactive = flags.interactive || runtime.interactive;
  if (manifest.apps.empty()) return Error::msg("the pod manifest has no app");
  for (const auto& app : manifest.apps) {
    if (!app.app) return Error::msg("app " + app.name.str() + " has no app section");
  }
  if (interactive && manifest.apps.size() != 1) {
    return Error::msg("--interactive needs a pod of exactly one app");
  }
  return PodConfig{std::move(flags), std::move(runtime), std::move(manifest), std::move(hostname),
                   interactive};
}

Result<PodConfig> load_pod_config(int pod_dir, RunFlags flags) {
  auto pod = oslayer::open_at(pod_dir, "pod", O_RDONLY);
  if (!pod) return std::move(pod).error().context("reading the pod manifest");
  auto text = oslayer::read_all(pod->get(), appc::kMaxManifestSize);
  if (!text) return std::move(text).error().context("reading the pod manifest");
  auto manifest = appc::decode_pod_manifest(*text);
  if (!manifest) return std::move(manifest).error().context("reading the pod manifest");

  RuntimeConfig runtime;
  auto rc = oslayer::open_at(pod_dir, "runtime-config", O_RDONLY);
  if (rc) {
    auto rc_text = oslayer::read_all(rc->get(), 1 << 20);
    if (!rc_text) return std::move(rc_text).error().context("reading runtime-config");
    auto parsed = parse_runtime_config(*rc_text);
    if (!parsed) return std::move(parsed).error().context("reading runtime-config");
    runtime = std::move(*parsed);
  } else if (rc.error().code() != ENOENT) {
    return std::move(rc).error().context("reading runtime-config");
  }
  return merge_pod_config(std::move(flags), std::move(runtime), std::move(*manifest));
}

}  // namespace stage1
