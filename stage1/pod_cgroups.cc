#include "stage1/pod_cgroups.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string_view>

#include "oslayer/cgroup_limits.h"
#include "oslayer/log.h"

namespace stage1 {
namespace {

using oslayer::CgroupSet;
using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

// The device nodes an app may open: null, zero, full, random, urandom, tty, console, ptmx and
// its own pts; any node may be created (but not opened). Without a list, an app with CAP_MKNOD
// (in the appc default set) could make a node for a host disk and read it. The list is
// Docker's: the /dev stage1 makes, and mknod (not open) of anything.
const std::vector<std::string_view> kPodDevices = {
    "c *:* m",   "b *:* m",   "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
    "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

// Each app gets a cgroup of its own where per-app limits and accounting live (memory, cpu,
// cpuacct) and in the unified tree (cgroup v2 allows processes only in leaves); in the other v1
// hierarchies (pids, devices, freezer, name=systemd) it stays in the pod's cgroup, and the pod
// costs the kernel fewer cgroups to make and remove.
bool has_per_app_limits(const CgroupSet::Dir& d) {
  if (d.unified) return true;
  size_t pos = 0;
  while (pos <= d.controllers.size()) {
    size_t comma = std::min(d.controllers.find(',', pos), d.controllers.size());
    std::string_view c(d.controllers.data() + pos, comma - pos);
    if (c == "memory" || c == "cpu" || c == "cpuacct") return true;
    pos = comma + 1;
  }
  return false;
}

bool is_unified(const CgroupSet::Dir& d) { return d.unified; }
bool is_v1(const CgroupSet::Dir& d) { return !d.unified; }

// cgroup v2's no-internal-process rule: once controllers are enabled for the pod's subtree, the
// pod cgroup itself may hold no process. The controllers any limit of the pod or of an app
// needs are enabled first.
Status limit_resources(const PodCgroups& c) {
  std::vector<std::string> controllers = oslayer::controllers_for(c.pod_resources.limits);
  for (const auto& plan : c.app_resources) {
    for (auto& name : oslayer::controllers_for(plan.limits)) {
      if (std::find(controllers.begin(), controllers.end(), name) == controllers.end()) {
        controllers.push_back(name);
      }
    }
  }
  if (auto s = oslayer::enable_v2_controllers(c.pod, controllers); !s) {
    return std::move(s).context("enabling cgroup controllers for the pod's resource limits");
  }
  if (auto s = oslayer::apply_cgroup_limits(c.pod, c.pod_resources.limits); !s) {
    return std::move(s).context("setting the pod's resource limits");
  }
  for (size_t i = 0; i < c.apps.size(); ++i) {
    if (auto s = oslayer::apply_cgroup_limits(c.apps[i], c.app_resources[i].limits); !s) {
      return std::move(s).context("setting the resource limits of app " + c.app_names[i]);
    }
  }
  return oslayer::ok();
}

}  // namespace

Result<PodCgroups> plan_pod_cgroups(const oslayer::CgroupLayout& layout, const PodConfig& config) {
  PodCgroups c;
  auto pod = CgroupSet::plan_below(layout, "rkt-" + config.flags.uuid);
  if (!pod) return std::move(pod).error();
  c.pod = std::move(*pod);
  // PID 1 lives in a leaf of its own in the unified tree, named so that no app (an AC Name,
  // without '.') can take it.
  auto sup = c.pod.plan_child("supervisor.scope", is_unified);
  if (!sup) return std::move(sup).error();
  c.supervisor = std::move(*sup);
  c.pod_resources = plan_pod_resources(config.manifest.isolators);
  const bool only_app = config.manifest.apps.size() == 1;
  for (const auto& app : config.manifest.apps) {
    ResourcePlan resources = plan_app_resources(
        app.app ? app.app->isolators : std::vector<appc::Isolator>{}, c.pod_resources);
    // The pod's only app, without limits of its own, has nothing of its own to put in memory,
    // cpu and cpuacct: it shares the pod's cgroup there, which holds the same processes. Those
    // are the dearest cgroups to make and remove (memory alone 80 and 45 us), and the removal
    // is on the way out of the pod.
    const bool own_v1 = !only_app || !resources.limits.empty();
    auto cg = c.pod.plan_child(app.name.str(), own_v1 ? has_per_app_limits : is_unified);
    if (!cg) return std::move(cg).error();
    c.app_names.push_back(app.name.str());
    c.apps.push_back(std::move(*cg));
    c.app_resources.push_back(std::move(resources));
  }
  return c;
}

Status make_unified_cgroups(const PodCgroups& c) {
  if (auto s = c.pod.make(is_unified); !s) return s;
  if (auto s = c.supervisor.make(is_unified); !s) return s;
  for (const auto& app : c.apps) {
    if (auto s = app.make(is_unified); !s) return s;
  }
  return oslayer::ok();
}

Status finish_pod_cgroups(const PodCgroups& c) {
  if (auto s = c.pod.make(is_v1); !s) return s;
  for (const auto& app : c.apps) {
    if (auto s = app.make(is_v1); !s) return s;
  }
  auto devices = c.pod.restrict_devices(kPodDevices);
  if (!devices) return std::move(devices).error();
  if (!*devices) {
    oslayer::log_warning(
        "no devices cgroup and no cgroup2 tree: device access is not restricted on this host");
  }
  return limit_resources(c);
}

Status wait_for_pod_cgroups(int ready_fd) {
  pollfd p{ready_fd, POLLIN, 0};
  while (::poll(&p, 1, -1) < 0) {
    if (errno != EINTR) return Error::sys(errno, "waiting for the pod's cgroups");
  }
  int queued = 0;
  if (::ioctl(ready_fd, FIONREAD, &queued) < 0) {
    return Error::sys(errno, "waiting for the pod's cgroups");
  }
  if (queued <= 0) return Error::msg("the pod's cgroups were not made");
  return oslayer::ok();
}

bool pod_cgroups_made(int ready_fd) {
  int queued = 0;
  return ::ioctl(ready_fd, FIONREAD, &queued) == 0 && queued > 0;
}

void release_app_cgroups(int ready_fd, size_t index) {
  const auto i = static_cast<uint32_t>(index);
  // /init gone: the pod is being torn down already.
  (void)::send(ready_fd, &i, sizeof i, MSG_NOSIGNAL);
}

std::optional<size_t> read_released_app(int fd) {
  uint32_t i = 0;
  ssize_t n;
  while ((n = ::recv(fd, &i, sizeof i, MSG_WAITALL)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof i)) return std::nullopt;
  return i;
}

}  // namespace stage1
