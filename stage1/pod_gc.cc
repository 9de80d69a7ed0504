// /gc [--debug] [--local-config=DIR] UUID: removes what the pod left in the cgroup hierarchies
// and its networks (stage0 holds the pod's lock, so the pod is not running). Idempotent: a pod
// whose /init cleaned up after itself, or that never ran, has nothing left and this exits 0.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/cgroup.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/netns.h"
#include "stage1/entrypoints.h"
#include "stage1/pod_config.h"
#include "stage1/pod_network.h"

namespace stage1 {
namespace {

// What /init does when the pod ends, for a pod whose /init was killed: CNI DEL of every network
// (the IP leases, host interfaces and masquerade rules), then the namespace pin. It runs in the
// host's mount namespace, where stage0 made the pin.
int leave_networks(const std::string& uuid) {
  if (::access("netns", F_OK) < 0) return 0;
  auto path = read_netns_path(AT_FDCWD, uuid);
  if (!path) {
    oslayer::log_error(std::move(path).error().context("gc of pod " + uuid));
    return 254;
  }
  if (::access("net-config.json", F_OK) == 0) {
    if (auto s = leave_pod_networks(AT_FDCWD, uuid, *path); !s) {
      oslayer::log_error(std::move(s).error().context("gc of pod " + uuid));
      return 254;
    }
  }
  if (auto s = oslayer::remove_pinned_netns(*path); !s) {
    oslayer::log_error(std::move(s).error().context("gc of pod " + uuid));
    return 254;
  }
  (void)::unlink("netns");
  return 0;
}

}  // namespace

int gc_pod(const std::vector<std::string>& args) {
  oslayer::log_init("stage1", false);
  std::string uuid;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--debug" || a == "--debug=true") {
      oslayer::log_set_debug(true);
    } else if (a == "--debug=false" || a.rfind("--local-config=", 0) == 0) {
    } else if (a == "--local-config" && i + 1 < args.size()) {
      ++i;
    } else if (a.rfind("--", 0) != 0 && uuid.empty() && is_pod_uuid(a)) {
      uuid = a;
    } else {
      oslayer::log_error(oslayer::Error::msg("gc: unexpected argument \"" + a + "\""));
      return 254;
    }
  }
  if (uuid.empty()) {
    oslayer::log_error(oslayer::Error::msg("gc: expected the pod UUID"));
    return 254;
  }
  int net_code = leave_networks(uuid);
  auto text = oslayer::read_file("cgroups", 1 << 16);
  if (!text) {
    if (text.error().code() == ENOENT) return net_code;
    oslayer::log_error(std::move(text).error().context("gc of pod " + uuid));
    return 254;
  }
  std::string want = "/rkt-" + uuid;
  int code = 0;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    std::string dir = text->substr(pos, nl - pos);
    pos = nl + 1;
    if (dir.empty()) continue;
    // The file is ours, but a path is only trusted if it is this pod's cgroup on a cgroup fs.
    bool named =
        dir.size() > want.size() && dir.compare(dir.size() - want.size(), want.size(), want) == 0;
    if (!named || dir[0] != '/') {
      oslayer::log_warning("gc of pod " + uuid + ": ignoring \"" + dir + "\"");
      continue;
    }
    if (!oslayer::is_cgroup_dir(dir)) continue;  // already removed
    oslayer::log_debug("removing cgroup " + dir);
    if (auto s = oslayer::remove_cgroup_tree(dir, true); !s) {
      oslayer::log_error(std::move(s).error().context("gc of pod " + uuid));
      code = 254;
    }
  }
  if (code == 0) (void)::unlink("cgroups");
  return code != 0 ? code : net_code;
}

}  // namespace stage1
