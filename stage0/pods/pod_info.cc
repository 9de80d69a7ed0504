#include "stage0/pods/pod_info.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <nlohmann/json.hpp>

#include "appc-spec/image_manifest.h"
#include "oslayer/beneath.h"

namespace stage0::pods {
namespace {

constexpr size_t kSmallFile = 4096;
constexpr size_t kMaxPodManifest = 16 << 20;

int64_t ns_of(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Opens `path` beneath the pod dir: status and readiness files live in dirs stage1 wrote, so a
// symlink there may not lead out of the pod.
oslayer::Result<oslayer::Fd> open_in_pod(int pod, const std::string& path, int flags) {
  return oslayer::open_beneath(pod, path, flags, 0, oslayer::Symlinks::kFollowInside);
}

std::optional<std::string> read_small(int pod, const std::string& path) {
  auto fd = open_in_pod(pod, path, O_RDONLY);
  if (!fd) return std::nullopt;
  auto text = oslayer::read_all(fd->get(), kSmallFile);
  if (!text) return std::nullopt;
  return *text;
}

int64_t mtime_ns(int pod, const std::string& path) {
  struct stat st {};
  if (::fstatat(pod, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return 0;
  return ns_of(st.st_mtim);
}

// Where readers find stage1's rkt/ without the pod's mounts: stage1/rkt (bound on the stage1
// rootfs's /rkt), the overlay's upper dir (pods of an earlier Rocket), or stage1/rootfs itself
// (a stage1 not on overlay, or a reader inside the pod's namespace).
std::vector<std::string> stage1_roots(int pod) {
  std::vector<std::string> roots{"stage1"};
  if (auto id = read_small(pod, "stage1TreeStoreID")) {
    std::string t = *id;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    if (!t.empty() && t.find('/') == std::string::npos && t != "." && t != "..") {
      roots.push_back("overlay/" + t + "/upper");
    }
  }
  roots.emplace_back("stage1/rootfs");
  return roots;
}

std::optional<int> exit_code_of(int pod, const std::vector<std::string>& roots,
                                const std::string& app) {
  for (const auto& root : roots) {
    if (auto text = read_small(pod, root + "/rkt/status/" + app)) return parse_int_file(*text);
  }
  return std::nullopt;
}

// rkt/oom-killed/<app> exists (stage1-interface.md): the kernel's OOM killer killed processes
// of the app.
bool oom_killed_at(int pod, const std::vector<std::string>& roots, const std::string& app) {
  for (const auto& root : roots) {
    if (open_in_pod(pod, root + "/rkt/oom-killed/" + app, O_RDONLY)) return true;
  }
  return false;
}

bool ready_at(int pod, const std::vector<std::string>& roots) {
  for (const auto& root : roots) {
    auto dir = open_in_pod(pod, root + "/rkt", O_PATH | O_DIRECTORY);
    if (!dir) continue;
    char target[16];
    ssize_t n = ::readlinkat(dir->get(), "supervisor-status", target, sizeof target);
    if (n >= 0) return std::string_view(target, static_cast<size_t>(n)) == "ready";
  }
  return false;
}

std::optional<std::string> image_name_of(int pod, const std::string& app) {
  auto fd = open_in_pod(pod, "appsinfo/" + app + "/manifest", O_RDONLY);
  if (!fd) return std::nullopt;
  auto text = oslayer::read_all(fd->get(), appc::kMaxManifestSize);
  if (!text) return std::nullopt;
  auto m = appc::decode_image_manifest(*text);
  if (!m) return std::nullopt;
  std::string name = m->name.str();
  if (auto v = appc::find_label(m->labels, "version")) name += ":" + *v;
  return name;
}

oslayer::Result<oslayer::Fd> open_pod(const PodRef& ref) {
  return oslayer::open_path(ref.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
      .context("reading pod " + ref.uuid);
}

}  // namespace

bool ran(PodState s) {
  switch (s) {
    case PodState::kRunning:
    case PodState::kExited:
    case PodState::kExitedGarbage:
    case PodState::kExitedDeleting:
      return true;
    default:
      return false;
  }
}

bool finished(PodState s) {
  switch (s) {
    case PodState::kExited:
    case PodState::kExitedGarbage:
    case PodState::kExitedDeleting:
    case PodState::kAbortedPrepare:
    case PodState::kGarbage:
    case PodState::kDeleting:
      return true;
    default:
      return false;
  }
}

std::optional<int> parse_int_file(const std::string& text) {
  size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return std::nullopt;
  size_t e = text.find_last_not_of(" \t\r\n") + 1;
  int v = 0;
  auto [ptr, ec] = std::from_chars(text.data() + b, text.data() + e, v);
  if (ec != std::errc() || ptr != text.data() + e) return std::nullopt;
  return v;
}

std::vector<NetworkInfo> parse_net_info(const std::string& json) {
  std::vector<NetworkInfo> out;
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) return out;
  auto str = [](const nlohmann::json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    out.push_back(NetworkInfo{str(e, "netName"), str(e, "netConf"), str(e, "pluginPath"),
                              str(e, "ifName"), str(e, "ip"), str(e, "args"), str(e, "mask")});
  }
  return out;
}

oslayer::Result<std::string> read_pod_manifest_bytes(const PodRef& ref) {
  auto pod = open_pod(ref);
  if (!pod) return std::move(pod).error();
  auto fd = oslayer::open_at(pod->get(), "pod", O_RDONLY | O_NOFOLLOW);
  if (!fd) return std::move(fd).error().context("reading the manifest of pod " + ref.uuid);
  return oslayer::read_all(fd->get(), kMaxPodManifest)
      .context("reading the manifest of pod " + ref.uuid);
}

std::optional<int> read_pid(const PodRef& ref) {
  auto pod = open_pod(ref);
  if (!pod) return std::nullopt;
  auto text = read_small(pod->get(), "pid");
  return text ? parse_int_file(*text) : std::nullopt;
}

bool read_ready(const PodRef& ref) {
  auto pod = open_pod(ref);
  return pod && ready_at(pod->get(), stage1_roots(pod->get()));
}

oslayer::Result<PodInfo> read_pod_info(const PodRef& ref) {
  auto pod = open_pod(ref);
  if (!pod) return std::move(pod).error();
  int fd = pod->get();
  PodInfo info;
  info.ref = ref;

  info.created_ns = mtime_ns(fd, "pod-created");
  if (info.created_ns == 0) info.created_ns = mtime_ns(fd, "pod");
  if (ran(ref.state)) {
    info.started_ns = mtime_ns(fd, "pid");
    if (auto text = read_small(fd, "pid")) info.pid = parse_int_file(*text);
    if (auto nf = oslayer::open_at(fd, "net-info.json", O_RDONLY | O_NOFOLLOW); nf) {
      if (auto text = oslayer::read_all(nf->get(), 1 << 22); text) {
        info.networks = parse_net_info(*text);
      }
    }
  }
  if (ref.state == PodState::kExitedGarbage || ref.state == PodState::kGarbage ||
      ref.state == PodState::kExitedDeleting || ref.state == PodState::kDeleting) {
    struct stat st {};
    if (::fstat(fd, &st) == 0) info.gc_marked_ns = ns_of(st.st_ctim);
  }
  auto roots = stage1_roots(fd);
  info.ready = ready_at(fd, roots);

  // rkt's PodManifestAvailable: while preparing (or after an aborted prepare, or while being
  // deleted) the manifest may be missing or half-written, which is not an error.
  bool expect_manifest = ref.state != PodState::kPreparing &&
                         ref.state != PodState::kAbortedPrepare &&
                         ref.state != PodState::kDeleting && ref.state != PodState::kEmbryo;
  auto bytes = oslayer::open_at(fd, "pod", O_RDONLY | O_NOFOLLOW);
  if (!bytes) {
    if (expect_manifest) {
      info.errors.push_back("Unable to read pod " + ref.uuid + " manifest:\n  " +
                            bytes.error().text());
    }
    return info;
  }
  auto text = oslayer::read_all(bytes->get(), kMaxPodManifest);
  if (!text) {
    info.errors.push_back("Unable to read pod " + ref.uuid + " manifest:\n  " +
                          text.error().text());
    return info;
  }
  auto m = appc::decode_pod_manifest(*text);
  if (!m) {
    if (expect_manifest) {
      info.errors.push_back("Unable to read pod " + ref.uuid + " manifest:\n  " + m.error().text());
    }
    return info;
  }
  for (const auto& ra : m->apps) {
    AppInfo app;
    app.name = ra.name.str();
    if (ra.image.id) app.image_id = ra.image.id->str();
    app.image_name = image_name_of(fd, app.name);
    if (!app.image_name) {
      info.errors.push_back("pod " + ref.uuid + " ImageManifest could not be loaded: app " +
                            app.name);
    }
    app.exit_code = exit_code_of(fd, roots, app.name);
    app.oom_killed = oom_killed_at(fd, roots, app.name);
    info.apps.push_back(std::move(app));
  }
  info.manifest = std::move(*m);
  return info;
}

}  // namespace stage0::pods
