#include "stage0/run/pod_start.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "appc-spec/image_manifest.h"
#include "appc-spec/names.h"
#include "appc-spec/pod_manifest.h"
#include "oslayer/atomic_file.h"
#include "oslayer/beneath.h"
#include "oslayer/mount.h"
#include "oslayer/netns.h"
#include "oslayer/overlay.h"
#include "stage0/run/pod_files.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

std::string tree_dir(const StartOptions& o, const std::string& tree_id) {
  return o.data_dir + "/cas/tree/" + tree_id;
}

// A tree named by the pod must still be complete: a prepared pod waits unlocked, and an
// `image gc` in between could have removed it.
Status check_tree(const StartOptions& o, const std::string& tree_id) {
  if (tree_id.find('/') != std::string::npos || tree_id.empty() || tree_id[0] == '.') {
    return Error::msg("the pod names a malformed tree ID \"" + tree_id + "\"");
  }
  struct stat st {};
  if (::stat((tree_dir(o, tree_id) + "/rendered").c_str(), &st) < 0) {
    return Error::sys(errno, "tree " + tree_id + " of the pod is not in the store any more");
  }
  return oslayer::ok();
}

Status mount_tree(const StartOptions& o, const std::string& tree_id, const std::string& app,
                  int target) {
  const std::string ov = o.pod_path + "/overlay/" + tree_id;
  const std::string sub = app.empty() ? "" : "/" + app;
  oslayer::OverlayLayers layers{
      {tree_dir(o, tree_id) + "/rootfs"}, ov + "/upper" + sub, ov + "/work" + sub};
  // Volatile: a pod's overlays are mounted once, and never again, not even after a crash (a
  // pod is not restarted), so no one reads an upper layer back after a crash and syncing it
  // buys nothing. A normal overlay syncs the whole data dir filesystem as it is unmounted at
  // the pod's exit: 0.5 to 1 ms of every `rkt run` here, far more while other writes are
  // pending. Data that must outlive a crash belongs in a volume (running-pods.md).
  layers.skip_sync = true;
  return oslayer::mount_overlay(layers, target);
}

// stage1's rootfs: an overlay of its tree whose upper and work dirs live on a tmpfs of the pod's
// own, mounted on overlay/<treeID> (an empty directory on disk). What stage1 writes there (each
// app's mount point and manifest under opt/stage2, etc/rkt-hosts) is needed only while the pod
// runs, and on disk each of those files, the overlay's own work files and the copy-ups of its
// directories cost an inode allocation: about 20 of the ~50 a pod made. What must outlive the
// pod, rkt/ (exit statuses, readiness), is stage1/rkt on disk, bound on stage1/rootfs/rkt.
// Returns the mounted rootfs.
Result<oslayer::Fd> mount_stage1(const StartOptions& o, const std::string& tree_id, int pod_dir) {
  auto scratch = oslayer::make_fs_mount("tmpfs", {{"mode", "0755"}},
                                        oslayer::MountAttrs{false, true, true, false});
  if (!scratch) return std::move(scratch).error().context("mounting stage1's scratch tmpfs");
  // Made while detached; opt/stage2 up front, so that the overlay has nothing to copy up when
  // the apps' mount points are made in it.
  auto opt = oslayer::make_dirs_beneath(scratch->get(), "upper/opt/stage2", 0755);
  if (!opt) return std::move(opt).error().context("filling stage1's scratch tmpfs");
  auto work = oslayer::make_dirs_beneath(scratch->get(), "work", 0700);
  if (!work) return std::move(work).error().context("filling stage1's scratch tmpfs");
  auto at = oslayer::open_beneath(pod_dir, "overlay/" + tree_id, O_PATH | O_DIRECTORY, 0,
                                  oslayer::Symlinks::kRefuse);
  if (!at) return std::move(at).error();
  if (auto st = oslayer::attach_mount(scratch->get(), at->get()); !st) {
    return std::move(st).error().context("mounting stage1's scratch tmpfs");
  }
  {
    auto target = oslayer::open_beneath(pod_dir, "stage1/rootfs", O_PATH | O_DIRECTORY, 0,
                                        oslayer::Symlinks::kRefuse);
    if (!target) return std::move(target).error();
    if (auto st = mount_tree(o, tree_id, "", target->get()); !st) return std::move(st).error();
  }
  // Opened again: the fd above names the directory under the overlay, this one its root.
  auto root = oslayer::open_beneath(pod_dir, "stage1/rootfs", O_PATH | O_DIRECTORY, 0,
                                    oslayer::Symlinks::kRefuse);
  if (!root) return std::move(root).error();
  auto kept = oslayer::open_beneath(pod_dir, "stage1/rkt", O_PATH | O_DIRECTORY, 0,
                                    oslayer::Symlinks::kRefuse);
  if (!kept) return std::move(kept).error();
  auto rkt = oslayer::make_dirs_beneath(root->get(), "rkt", 0755);
  if (!rkt) return std::move(rkt).error();
  if (auto st = oslayer::bind_mount(kept->get(), rkt->get(), false, oslayer::MountAttrs{}); !st) {
    return std::move(st).error().context("binding stage1/rkt");
  }
  return root;
}

Status check_same_dir(int a, int b, const std::string& path) {
  struct stat sa {
  }, sb{};
  if (::fstat(a, &sa) < 0 || ::fstat(b, &sb) < 0) return Error::sys(errno, "stat " + path);
  if (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino) {
    return Error::msg(path + " was replaced while the pod was being started");
  }
  return oslayer::ok();
}

// CNI networks: stage1 joins them (net-config.json) in a network namespace made and pinned
// here, in the caller's mount namespace: it must outlive the pod's processes, so that the
// plugins' DEL (at the pod's end, or in rkt gc) still finds what ADD made, and be visible to
// rkt gc, which the private mount namespace entered below is not. The `netns` file is written
// first: a pin is never made that gc would not know of.
Status prepare_networks(const StartOptions& o) {
  constexpr auto kVolatile = oslayer::Durability::kVolatile;
  if (auto st =
          oslayer::write_file_atomic(o.pod_dir, "net-config.json", o.net_plan, 0644, kVolatile);
      !st) {
    return st;
  }
  const std::string pin = "/run/netns/rkt-" + o.uuid;
  if (auto st = oslayer::write_file_atomic(o.pod_dir, "netns", pin + "\n", 0644, kVolatile); !st) {
    return st;
  }
  if (oslayer::is_pinned_netns(pin)) return oslayer::ok();  // a run-prepared that failed before
  return oslayer::create_pinned_netns(pin).context("making the pod's network namespace");
}

// stage1 ends in our private mount namespace and removes the pin from this one, the caller's,
// through this fd (RKT_HOST_MNTNS_FD).
Status pass_mount_namespace() {
  auto fd = oslayer::open_path("/proc/self/ns/mnt", O_RDONLY);
  if (!fd) return std::move(fd).error();
  if (::fcntl(fd->get(), F_SETFD, 0) < 0) return Error::sys(errno, "passing the mount namespace");
  if (::setenv("RKT_HOST_MNTNS_FD", std::to_string(fd->release()).c_str(), 1) < 0) {
    return Error::sys(errno, "setting RKT_HOST_MNTNS_FD");
  }
  return oslayer::ok();
}

}  // namespace

Result<std::vector<HostsEntry>> parse_hosts_entries(const std::vector<std::string>& flags) {
  std::vector<HostsEntry> out;
  for (const std::string& f : flags) {
    size_t pos = 0;
    while (pos <= f.size()) {
      const size_t comma = std::min(f.find(',', pos), f.size());
      const std::string part = f.substr(pos, comma - pos);
      pos = comma + 1;
      const size_t eq = part.find('=');
      if (part == "host") {
        return Error::msg("--hosts-entry=host cannot be combined with IP=HOSTNAME entries");
      }
      if (eq == std::string::npos || eq == 0 || eq + 1 == part.size()) {
        return Error::msg("--hosts-entry \"" + f + "\": each entry must be IP=HOSTNAME");
      }
      // Both halves end up as a line of the pod's /etc/hosts: "999.1.1.1" or a name with a
      // space or newline in it would make a broken or forged line.
      const std::string ip = part.substr(0, eq);
      if (auto st = appc::check_ip_address(ip); !st) {
        return std::move(st).error().context("--hosts-entry \"" + f + "\"");
      }
      const std::string name = part.substr(eq + 1);
      if (auto st = appc::check_hostname(name); !st) {
        return std::move(st).error().context("--hosts-entry \"" + f + "\"");
      }
      auto it =
          std::find_if(out.begin(), out.end(), [&](const HostsEntry& e) { return e.ip == ip; });
      if (it == out.end()) {
        out.push_back(HostsEntry{ip, {name}});
      } else {
        it->names.push_back(name);
      }
    }
  }
  return out;
}

Result<bool> hosts_entry_is_host(const std::vector<std::string>& flags) {
  if (flags.size() == 1 && flags[0] == "host") return true;
  for (const std::string& f : flags) {
    if (f == "host") {
      return Error::msg("--hosts-entry=host cannot be combined with IP=HOSTNAME entries");
    }
  }
  return false;
}

namespace {

bool is_ip_address(const std::string& s) {
  in6_addr a6{};
  in_addr a4{};
  return ::inet_pton(AF_INET, s.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

// A search domain, option or domain goes on one resolv.conf line: no blanks, no line breaks.
Status one_word(const std::string& flag, const std::string& v) {
  if (v.empty() || v.find_first_of(" \t\r\n#;") != std::string::npos) {
    return Error::msg("--" + flag + " \"" + v + "\": must be one word");
  }
  return oslayer::ok();
}

}  // namespace

Result<PodDns> parse_dns(const std::vector<std::string>& servers,
                         const std::vector<std::string>& search,
                         const std::vector<std::string>& options, const std::string& domain) {
  PodDns d;
  for (const std::string& s : servers) {
    if (s == "host" || s == "none") {
      if (servers.size() != 1 || !search.empty() || !options.empty() || !domain.empty()) {
        return Error::msg("--dns=" + s +
                          " cannot be combined with other --dns, --dns-search, --dns-opt or "
                          "--dns-domain values");
      }
    } else if (!is_ip_address(s)) {
      return Error::msg("--dns \"" + s + "\": not an IP address (nor \"host\" or \"none\")");
    }
    d.servers.push_back(s);
  }
  for (const std::string& s : search) {
    if (auto st = one_word("dns-search", s); !st) return std::move(st).error();
    d.search.push_back(s);
  }
  for (const std::string& o : options) {
    if (auto st = one_word("dns-opt", o); !st) return std::move(st).error();
    d.options.push_back(o);
  }
  if (!domain.empty()) {
    if (auto st = one_word("dns-domain", domain); !st) return std::move(st).error();
    d.domain = domain;
  }
  return d;
}

std::string runtime_config_json(const StartOptions& o) {
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& e : o.hosts_entries) hosts.push_back({{"ip", e.ip}, {"names", e.names}});
  nlohmann::json j = {{"hostname", o.hostname},
                      {"hostsEntries", hosts},
                      {"hostsFromHost", o.hosts_from_host},
                      {"dns", nlohmann::json::object()},
                      {"stopTimeout", 10},
                      {"interactive", o.interactive}};
  if (!o.dns.empty()) {
    j["dns"] = {{"servers", o.dns.servers},
                {"search", o.dns.search},
                {"options", o.dns.options},
                {"domain", o.dns.domain}};
  }
  return j.dump() + "\n";
}

std::vector<std::string> stage1_run_argv(const std::string& entrypoint, const StartOptions& o) {
  std::vector<std::string> argv = {entrypoint};
  if (o.debug) argv.push_back("--debug");
  argv.push_back("--net=" + o.net);
  if (o.interactive) argv.push_back("--interactive");
  if (!o.local_config.empty()) argv.push_back("--local-config=" + o.local_config);
  if (!o.hostname.empty()) argv.push_back("--hostname=" + o.hostname);
  if (o.disable_capabilities) argv.push_back("--disable-capabilities-restriction");
  if (o.disable_paths) argv.push_back("--disable-paths");
  if (o.disable_seccomp) argv.push_back("--disable-seccomp");
  argv.push_back(o.uuid);
  return argv;
}

Result<std::string> stage1_entrypoint(int pod_dir, const std::string& name) {
  auto raw = read_pod_file(pod_dir, "stage1/manifest");
  if (!raw) return std::move(raw).error();
  return stage1_entrypoint_of(*raw, name);
}

Result<std::string> stage1_entrypoint_of(const std::string& manifest, const std::string& name) {
  auto m = appc::decode_image_manifest(manifest);
  if (!m) return std::move(m).error().context("reading the pod's stage1/manifest");
  auto ep = appc::find_annotation(m->annotations, "coreos.com/rkt/stage1/" + name);
  if (!ep) {
    return Error::msg("stage1 " + m->name.str() + " does not implement " + name);
  }
  if (!ep->starts_with('/') || ep->find("/../") != std::string::npos || ep->ends_with("/..")) {
    return Error::msg("stage1 " + m->name.str() + ": entrypoint " + name + " \"" + *ep +
                      "\" is not a clean absolute path");
  }
  return *ep;
}

Result<PodTrees> read_pod_trees(int pod_dir) {
  PodTrees t;
  auto s1_manifest = read_pod_file(pod_dir, "stage1/manifest");
  if (!s1_manifest) return std::move(s1_manifest).error();
  t.stage1_manifest = std::move(*s1_manifest);
  auto s1_tree = read_pod_file(pod_dir, "stage1TreeStoreID");
  if (!s1_tree) return std::move(s1_tree).error();
  t.stage1_tree = std::move(*s1_tree);
  auto raw_pod = read_pod_file(pod_dir, "pod");
  if (!raw_pod) return std::move(raw_pod).error();
  auto pm = appc::decode_pod_manifest(*raw_pod);
  if (!pm) return std::move(pm).error().context("reading the pod manifest");
  for (const auto& ra : pm->apps) {
    const std::string info = "appsinfo/" + ra.name.str();
    auto tree = read_pod_file(pod_dir, info + "/treeStoreID");
    if (!tree) return std::move(tree).error();
    auto manifest = read_pod_file(pod_dir, info + "/manifest");
    if (!manifest) return std::move(manifest).error();
    t.apps.push_back(PodTrees::App{ra.name.str(), std::move(*tree), std::move(*manifest)});
  }
  return t;
}

Status start_pod(const StartOptions& o) {
  std::optional<PodTrees> read;
  if (!o.trees) {
    auto r = read_pod_trees(o.pod_dir);
    if (!r) return std::move(r).error();
    read = std::move(*r);
  }
  const PodTrees& trees = o.trees ? *o.trees : *read;
  auto entrypoint = stage1_entrypoint_of(trees.stage1_manifest, "run");
  if (!entrypoint) return std::move(entrypoint).error();
  if (auto st = check_tree(o, trees.stage1_tree); !st) return st;
  const auto& apps = trees.apps;
  for (const auto& a : apps) {
    if (auto st = check_tree(o, a.tree_id); !st) return st;
  }
  if (auto st = oslayer::write_file_atomic(o.pod_dir, "runtime-config", runtime_config_json(o),
                                           0640, oslayer::Durability::kVolatile);
      !st) {
    return st;
  }

  if (!o.net_plan.empty()) {
    if (auto st = prepare_networks(o); !st) return st;
    if (auto st = pass_mount_namespace(); !st) return st;
  }

  // Every mount from here on lives in this private namespace only: when stage1 (which the exec
  // below turns this process into) and the pod are gone, so are the mounts. No guard is needed
  // on failure either: the error ends this process, and its namespace with it.
  if (auto st = oslayer::enter_private_mount_namespace(); !st) return st;
  // An fd opened before the unshare names the old namespace's mounts, and a mount cannot be
  // attached there: the pod dir is opened again, and checked to be the same directory.
  auto pod_fd = oslayer::open_path(o.pod_path, O_RDONLY | O_DIRECTORY);
  if (!pod_fd) return std::move(pod_fd).error();
  if (auto st = check_same_dir(o.pod_dir, pod_fd->get(), o.pod_path); !st) return st;
  const int pod_dir = pod_fd->get();
  auto s1_root = mount_stage1(o, trees.stage1_tree, pod_dir);
  if (!s1_root) return std::move(s1_root).error().context("mounting the stage1 overlay");
  for (const PodTrees::App& a : apps) {
    const std::string base = "opt/stage2/" + a.name;
    auto target = oslayer::make_dirs_beneath(s1_root->get(), base + "/rootfs", 0755);
    if (!target) return std::move(target).error().context("app " + a.name);
    if (auto st = mount_tree(o, a.tree_id, a.name, target->get()); !st) {
      return std::move(st).error().context("mounting the overlay of app " + a.name);
    }
    auto mf = oslayer::open_beneath(s1_root->get(), base + "/manifest",
                                    O_WRONLY | O_CREAT | O_TRUNC, 0644, oslayer::Symlinks::kRefuse);
    if (!mf) return std::move(mf).error().context("app " + a.name);
    if (auto st = oslayer::write_all(mf->get(), a.manifest); !st) {
      return std::move(st).error().context("writing the manifest of app " + a.name);
    }
  }

  if (::fchdir(pod_dir) < 0) return Error::sys(errno, "entering the pod directory");
  const std::string path = o.pod_path + "/stage1/rootfs" + *entrypoint;
  std::vector<std::string> args = stage1_run_argv(path, o);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  if (::setenv("RKT_LOCK_FD", std::to_string(o.lock_fd).c_str(), 1) < 0) {
    return Error::sys(errno, "setting RKT_LOCK_FD");
  }
  ::execv(path.c_str(), argv.data());
  return Error::sys(errno, "executing stage1 " + path);
}

}  // namespace stage0::run
