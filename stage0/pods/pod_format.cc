#include "stage0/pods/pod_format.h"

namespace stage0::pods {
namespace {

constexpr int64_t kNsPerSecond = 1000000000;

// lib/app.go's appStateFromPod: apps of an immutable pod share its life.
std::string_view app_state(PodState s, bool has_exit_code) {
  if (has_exit_code) return "exited";
  switch (s) {
    case PodState::kPrepared:
      return "created";
    case PodState::kRunning:
      return "running";
    case PodState::kDeleting:
    case PodState::kExitedDeleting:
    case PodState::kExited:
    case PodState::kExitedGarbage:
    case PodState::kGarbage:
      return "exited";
    default:
      return "unknown";
  }
}

nlohmann::ordered_json string_map(const appc::StringMap& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;  // std::map: sorted keys, as Go's encoder sorts them
  return j;
}

nlohmann::ordered_json mounts_json(const appc::PodManifest& pm, const appc::RuntimeApp& ra) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& m : ra.mounts) {
    std::string host;
    bool read_only = false;
    if (m.app_volume) {
      host = m.app_volume->source;
      read_only = m.app_volume->read_only.value_or(false);
    } else {
      for (const auto& v : pm.volumes) {
        if (v.name == m.volume) {
          host = v.source;
          read_only = v.read_only.value_or(false);
        }
      }
    }
    arr.push_back({{"name", m.volume.str()},
                   {"container_path", m.path},
                   {"host_path", host},
                   {"read_only", read_only}});
  }
  return arr;
}

// rkt's NETWORKS column and networks= value: "default:ip4=172.16.28.2, other:ip4=...".
std::string networks_text(const std::vector<NetworkInfo>& nets) {
  std::string out;
  for (const auto& n : nets) {
    if (!out.empty()) out += ", ";
    out += n.net_name + ":" + (n.ip.find(':') == std::string::npos ? "ip4=" : "ip6=") + n.ip;
  }
  return out;
}

std::string dump(const nlohmann::ordered_json& j, bool pretty) {
  return (pretty ? j.dump(1, '\t') : j.dump()) + "\n";
}

}  // namespace

nlohmann::ordered_json pod_json(const PodInfo& pod) {
  nlohmann::ordered_json j;
  j["name"] = pod.ref.uuid;
  j["state"] = state_name(pod.ref.state);
  // rkt's api/v1 NetInfo; left out when empty (host and none networks), as rkt did.
  if (!pod.networks.empty()) {
    nlohmann::ordered_json nets = nlohmann::ordered_json::array();
    for (const auto& n : pod.networks) {
      nets.push_back({{"netName", n.net_name},
                      {"netConf", n.conf_path},
                      {"pluginPath", n.plugin_path},
                      {"ifName", n.if_name},
                      {"ip", n.ip},
                      {"args", n.args},
                      {"mask", n.mask}});
    }
    j["networks"] = std::move(nets);
  }
  if (pod.manifest) {
    nlohmann::ordered_json names = nlohmann::ordered_json::array();
    nlohmann::ordered_json apps = nlohmann::ordered_json::array();
    for (size_t i = 0; i < pod.manifest->apps.size(); ++i) {
      const auto& ra = pod.manifest->apps[i];
      const AppInfo& info = pod.apps[i];
      names.push_back(info.name);
      nlohmann::ordered_json a;
      a["name"] = info.name;
      a["state"] = app_state(pod.ref.state, info.exit_code.has_value());
      if (pod.created_ns != 0) a["created_at"] = pod.created_ns;
      if (pod.started_ns != 0) a["started_at"] = pod.started_ns;
      if (pod.gc_marked_ns != 0) a["finished_at"] = pod.gc_marked_ns;
      if (info.exit_code) a["exit_code"] = *info.exit_code;
      // Not in rkt's api/v1 (rkt never knew): left out unless true, so other pods' JSON stays
      // byte for byte rkt's.
      if (info.oom_killed) a["oom_killed"] = true;
      a["image_id"] = info.image_id;
      auto mounts = mounts_json(*pod.manifest, ra);
      if (!mounts.empty()) a["mounts"] = std::move(mounts);
      if (ra.app && !ra.app->user_annotations.empty()) {
        a["user_annotations"] = string_map(ra.app->user_annotations);
      }
      if (ra.app && !ra.app->user_labels.empty()) {
        a["user_labels"] = string_map(ra.app->user_labels);
      }
      apps.push_back(std::move(a));
    }
    if (!names.empty()) {
      j["app_names"] = std::move(names);
      j["apps"] = std::move(apps);
    }
  }
  if (pod.created_ns != 0) j["created_at"] = pod.created_ns / kNsPerSecond;
  if (pod.started_ns != 0) j["started_at"] = pod.started_ns / kNsPerSecond;
  if (pod.manifest && !pod.manifest->user_annotations.empty()) {
    j["user_annotations"] = string_map(pod.manifest->user_annotations);
  }
  if (pod.manifest && !pod.manifest->user_labels.empty()) {
    j["user_labels"] = string_map(pod.manifest->user_labels);
  }
  return j;
}

std::string dump_pods_json(const std::vector<PodInfo>& pods, bool pretty) {
  if (pods.empty()) return "null\n";
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& p : pods) arr.push_back(pod_json(p));
  return dump(arr, pretty);
}

std::string dump_pod_json(const PodInfo& pod, bool pretty) { return dump(pod_json(pod), pretty); }

bool listed(PodState s) {
  return s != PodState::kEmbryo && s != PodState::kGarbage && s != PodState::kDeleting;
}

std::vector<std::vector<std::string>> list_rows(const std::vector<PodInfo>& pods, bool full,
                                                bool no_legend, const TimeFormatter& time) {
  std::vector<std::vector<std::string>> rows;
  if (!no_legend) {
    if (full) {
      rows.push_back(
          {"UUID", "APP", "IMAGE NAME", "IMAGE ID", "STATE", "CREATED", "STARTED", "NETWORKS"});
    } else {
      rows.push_back({"UUID", "APP", "IMAGE NAME", "STATE", "CREATED", "STARTED", "NETWORKS"});
    }
  }
  for (const auto& pod : pods) {
    std::string uuid = full ? pod.ref.uuid : pod.ref.uuid.substr(0, 8);
    std::string state(state_name(pod.ref.state));
    std::string created = pod.created_ns != 0 ? time(pod.created_ns) : "";
    std::string started = pod.started_ns != 0 ? time(pod.started_ns) : "";
    std::string nets = networks_text(pod.networks);
    auto add = [&](const std::string& app, const std::string& image, const std::string& id) {
      std::vector<std::string> row = {uuid, app, image};
      if (full) row.push_back(id);
      for (auto* s : {&state, &created, &started, &nets}) row.push_back(*s);
      rows.push_back(std::move(row));
      // The pod's own columns describe the pod, not the app: only on its first row.
      uuid.clear();
      state.clear();
      created.clear();
      started.clear();
      nets.clear();
    };
    if (pod.apps.empty()) add("-", "-", "-");
    for (const auto& app : pod.apps) {
      add(app.name, app.image_name.value_or("--"), app.image_id.substr(0, 19));
    }
  }
  return rows;
}

std::string status_text(const PodInfo& pod, const TimeFormatter& time) {
  PodState s = pod.ref.state;
  std::string out = "state=" + std::string(state_name(s)) + "\n";
  if (pod.created_ns != 0) out += "created=" + time(pod.created_ns) + "\n";
  if (pod.started_ns != 0) out += "started=" + time(pod.started_ns) + "\n";
  if (s == PodState::kRunning || s == PodState::kExited) {
    out += "networks=" + networks_text(pod.networks) + "\n";
  }
  if (!ran(s) && s != PodState::kDeleting) return out;
  if (pod.pid) out += "pid=" + std::to_string(*pod.pid) + "\n";
  bool exited = s == PodState::kExited || s == PodState::kExitedGarbage;
  out += std::string("exited=") + (exited ? "true" : "false") + "\n";
  if (s != PodState::kRunning) {
    for (const auto& app : pod.apps) {
      if (app.exit_code) out += "app-" + app.name + "=" + std::to_string(*app.exit_code) + "\n";
    }
    // Rocket's own lines, after rkt's; the key does not start with "app-", so scripts that read
    // every app-<name>= line as an exit code are not misled.
    for (const auto& app : pod.apps) {
      if (app.oom_killed) out += "oom-killed-" + app.name + "=true\n";
    }
  }
  return out;
}

}  // namespace stage0::pods
