// What `list` and `status` show of a pod, read from its directory the way rkt's readers did:
// the pod manifest, times from file mtimes, the pid, each app's exit status and image, and
// whether the supervisor said it is ready. Readers take no lock and tolerate files that are
// missing (a pod being prepared, a stage1 that died before writing them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appc-spec/pod_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/result.h"
#include "stage0/pods/pod_dir.h"

namespace stage0::pods {

struct AppInfo {
  std::string name;
  std::string image_id;  // from the pod manifest
  std::optional<std::string>
      image_name;                // appsinfo/<app>/manifest name[:version]; unset: unreadable
  std::optional<int> exit_code;  // the status file, once the app ended
  bool oom_killed = false;       // rkt/oom-killed/<app>: the OOM killer killed its processes
};

// A network the pod joined (net-info.json, which stage1 writes; rkt's NetInfo).
struct NetworkInfo {
  std::string net_name, conf_path, plugin_path, if_name, ip, args, mask;
};

struct PodInfo {
  PodRef ref;
  // Unset while preparing, after an aborted prepare, or when the file cannot be read (then
  // `errors` says why).
  std::optional<appc::PodManifest> manifest;
  std::vector<AppInfo> apps;  // in manifest order
  int64_t created_ns = 0;     // mtime of pod-created (or pod); 0: unknown
  int64_t started_ns = 0;     // mtime of pid; 0: not started
  int64_t gc_marked_ns = 0;   // ctime of the dir in exited-garbage/ or garbage/; 0: not marked
  std::optional<int> pid;     // the pid file
  bool ready = false;         // rkt/supervisor-status -> "ready"
  std::vector<NetworkInfo> networks;
  std::vector<std::string> errors;  // what could not be read, for list's error block
};

// True while the state means stage1 ran or runs (pid, exit codes and networks may exist).
bool ran(PodState s);
// rkt's IsFinished: nothing more will happen to the pod but deletion.
bool finished(PodState s);

// Reads what there is. Fails only when the pod dir itself cannot be opened.
[[nodiscard]] oslayer::Result<PodInfo> read_pod_info(const PodRef& ref);

// The raw `pod` file (cat-manifest).
[[nodiscard]] oslayer::Result<std::string> read_pod_manifest_bytes(const PodRef& ref);
// The pid file alone (status waits for it briefly).
std::optional<int> read_pid(const PodRef& ref);
// Readiness alone (status --wait-ready polls it).
bool read_ready(const PodRef& ref);

// net-info.json; entries that are not objects are skipped.
std::vector<NetworkInfo> parse_net_info(const std::string& json);

// A small decimal file ("pid", an exit status): digits with optional surrounding whitespace.
std::optional<int> parse_int_file(const std::string& text);

}  // namespace stage0::pods
