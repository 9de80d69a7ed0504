#include "stage0/run/pod_launch.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "appc-spec/image_manifest.h"
#include "appc-spec/names.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/build_info.h"
#include "stage0/command_line.h"
#include "stage0/duration.h"
#include "stage0/image_fetch.h"
#include "stage0/pods/pod_dir.h"
#include "stage0/pods/pod_info.h"
#include "stage0/pods/prepare_lock.h"
#include "stage0/pods/require_root.h"
#include "stage0/run/isolator_flags.h"
#include "stage0/run/network_plan.h"
#include "stage0/run/pod_files.h"
#include "stage0/run/pod_manifest_builder.h"
#include "stage0/run/pod_start.h"
#include "stage0/run/run_args.h"
#include "stage0/run/security_flags.h"
#include "stage0/run/stage1_select.h"
#include "stage0/store/tree_store.h"

extern char** environ;

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

constexpr size_t kMaxEnvFile = 1 << 20;

int usage(const oslayer::Error& e, const Command& command) {
  oslayer::log_error(usage_error(e, &command));
  return kExitUsage;
}

// --net, checked before any pod exists: a bad value, an unknown network, a broken config, a
// missing plugin or a --port that cannot be forwarded must leave nothing behind (and must not
// use up a prepared pod).
struct NetSetup {
  std::string mode;  // what stage1's --net gets
  NetFlag flag;
  std::vector<NetworkConfig> available;
  std::chrono::milliseconds timeout{0};
  std::string plan;  // net-config.json; empty for host and none
};

// RKT_NET_PLUGIN_TIMEOUT (a Go duration): how long one plugin may run before it is killed.
Result<std::chrono::milliseconds> plugin_timeout() {
  const char* v = std::getenv("RKT_NET_PLUGIN_TIMEOUT");
  if (v == nullptr || *v == '\0') return std::chrono::milliseconds(60000);
  auto d = parse_go_duration(v);
  if (!d || d->count() <= 0) {
    return Error::msg("RKT_NET_PLUGIN_TIMEOUT=" + std::string(v) + ": not a positive duration");
  }
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::duration_cast<std::chrono::milliseconds>(*d));
}

Result<NetSetup> load_net_setup(const GlobalConfig& global, const FlagValues& flags) {
  NetSetup n;
  n.mode = flags.get_string("net");
  auto flag = parse_net_flag(n.mode);
  if (!flag) return std::move(flag).error();
  n.flag = std::move(*flag);
  if (n.flag.mode != NetFlag::Mode::kNetworks) return n;
  auto timeout = plugin_timeout();
  if (!timeout) return std::move(timeout).error();
  n.timeout = *timeout;
  auto available = load_networks(global.local_config);
  if (!available) return std::move(available).error();
  n.available = std::move(*available);
  return n;
}

// The plan, once the pod manifest (its exposed ports) is known.
Status plan_pod_networks(const GlobalConfig& global, const appc::PodManifest& pm, NetSetup& n) {
  auto ports = port_forwards(pm);
  if (!ports) return std::move(ports).error();
  if (n.flag.mode != NetFlag::Mode::kNetworks) {
    if (!ports->empty()) {
      return Error::msg("--port needs a private network: it cannot be used with --net=" + n.mode);
    }
    return oslayer::ok();
  }
  auto plan =
      plan_networks(n.flag, n.available, plugin_dirs(global.local_config), n.timeout, *ports);
  if (!plan) return std::move(plan).error();
  n.plan = std::move(*plan);
  return oslayer::ok();
}

std::string host_arch() {
  struct utsname u {};
  if (::uname(&u) < 0) return "";
  return appc_arch_of(u.machine);
}

Status check_host_volumes(const std::vector<appc::Volume>& volumes) {
  for (const auto& v : volumes) {
    if (v.kind != appc::VolumeKind::kHost) continue;
    struct stat st {};
    if (::stat(v.source.c_str(), &st) < 0) {
      return Error::sys(errno, "volume " + v.name.str() + ": source " + v.source);
    }
  }
  return oslayer::ok();
}

Result<PodEnv> pod_env(const FlagValues& flags) {
  PodEnv env;
  if (flags.get_bool("inherit-env")) {
    for (char** e = environ; *e != nullptr; ++e) {
      auto kv = split_env(*e);
      if (kv) env.inherited.push_back(std::move(*kv));
    }
  }
  for (const std::string& path : flags.get_all("set-env-file")) {
    auto text = oslayer::read_file(path, kMaxEnvFile);
    if (!text) return std::move(text).error().context("--set-env-file");
    auto kv = parse_env_file(*text, path);
    if (!kv) return std::move(kv).error();
    env.from_file.insert(env.from_file.end(), kv->begin(), kv->end());
  }
  auto set = parse_set_env(flags.get_all("set-env"));
  if (!set) return std::move(set).error();
  env.explicit_ = std::move(*set);
  return env;
}

StartOptions start_options(const GlobalConfig& global, const FlagValues& flags,
                           const pods::HeldPod& pod) {
  StartOptions o;
  o.data_dir = global.dir;
  o.pod_path = pod.path();
  o.uuid = pod.uuid();
  o.pod_dir = pod.dir().get();
  o.debug = global.debug;
  o.interactive = flags.get_bool("interactive");
  o.hostname = flags.get_string("hostname");
  o.local_config = global.local_config;
  o.disable_capabilities = global.insecure.has(InsecureOptions::kCapabilities);
  o.disable_paths = global.insecure.has(InsecureOptions::kPaths);
  o.disable_seccomp = global.insecure.has(InsecureOptions::kSeccomp);
  return o;
}

// The insecure options win over the app's own isolators (as in rkt); say so.
void warn_insecure_overrides(const GlobalConfig& global, const appc::PodManifest& pm) {
  for (const auto& line :
       insecure_overrides(pm, global.insecure.has(InsecureOptions::kCapabilities),
                          global.insecure.has(InsecureOptions::kSeccomp))) {
    oslayer::log_warning(line);
  }
}

// The start flags that need checking, checked before any pod exists: a bad value must leave
// nothing behind (and must not use up a prepared pod).
struct EtcFlags {
  NetSetup net;
  bool hosts_from_host = false;
  std::vector<HostsEntry> hosts_entries;
  PodDns dns;
};

Result<EtcFlags> parse_etc_flags(const GlobalConfig& global, const FlagValues& flags) {
  EtcFlags e;
  auto net = load_net_setup(global, flags);
  if (!net) return std::move(net).error();
  e.net = std::move(*net);
  // stage1 checks it too, but only once the pod exists: a bad name must not leave one behind.
  if (std::string h = flags.get_string("hostname"); !h.empty()) {
    if (auto st = appc::check_hostname(h); !st) return std::move(st).error().context("--hostname");
  }
  auto from_host = hosts_entry_is_host(flags.get_all("hosts-entry"));
  if (!from_host) return std::move(from_host).error();
  e.hosts_from_host = *from_host;
  if (!e.hosts_from_host) {
    auto hosts = parse_hosts_entries(flags.get_all("hosts-entry"));
    if (!hosts) return std::move(hosts).error();
    e.hosts_entries = std::move(*hosts);
  }
  auto dns = parse_dns(flags.get_all("dns"), flags.get_all("dns-search"), flags.get_all("dns-opt"),
                       flags.get_string("dns-domain"));
  if (!dns) return std::move(dns).error();
  e.dns = std::move(*dns);
  return e;
}

// Starts `pod` (in run/, locked by this process); returns only on failure.
Status start(const GlobalConfig& global, const FlagValues& flags, EtcFlags etc, pods::HeldPod& pod,
             std::optional<PodTrees> trees) {
  StartOptions o = start_options(global, flags, pod);
  o.trees = std::move(trees);
  o.net = std::move(etc.net.mode);
  o.net_plan = std::move(etc.net.plan);
  o.hosts_from_host = etc.hosts_from_host;
  o.hosts_entries = std::move(etc.hosts_entries);
  o.dns = std::move(etc.dns);
  auto fd = pod.lock_fd_for_exec();
  if (!fd) return std::move(fd).error();
  o.lock_fd = *fd;
  return start_pod(o).context("starting pod " + pod.uuid());
}

Status write_uuid_file(const std::string& path, const std::string& uuid) {
  auto fd = oslayer::open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) return std::move(fd).error().context("--uuid-file-save");
  return oslayer::write_all(fd->get(), uuid + "\n").context("writing " + path);
}

// Fetches each image and fills in what the manifest builder needs.
Result<std::vector<ResolvedApp>> resolve_apps(store::Store& store, const GlobalConfig& global,
                                              const FlagValues& flags, std::vector<AppArgs> apps,
                                              std::vector<PodApp>& trees) {
  auto policy = parse_pull_policy(flags.get_string("pull-policy"));
  if (!policy) return std::move(policy).error();
  const std::string arch = host_arch();
  std::vector<ResolvedApp> out;
  for (AppArgs& a : apps) {
    FetchOptions options;
    options.policy = *policy;
    options.signature_file = a.signature;
    auto id = fetch_image(store, global, a.image, options);
    if (!id) return std::move(id).error();
    auto rec = store.find_by_id(*id);
    if (!rec) return std::move(rec).error();
    auto m = appc::decode_image_manifest(rec->manifest);
    if (!m) return std::move(m).error().context("image " + a.image);
    if (auto st = check_platform(*m, "linux", arch); !st) return std::move(st).error();
    auto tree = store::render_tree(store, *id, store::store_only_resolver(store));
    if (!tree) return std::move(tree).error().context("image " + a.image);
    trees.push_back(PodApp{"", PodTree{tree->id, rec->manifest}});
    out.push_back(ResolvedApp{std::move(a), *id, std::move(*m)});
  }
  return out;
}

// --pod-manifest: the user's manifest, with each app's image taken from the store by ID and an
// app section filled from the image when it has none.
Result<appc::PodManifest> load_pod_manifest(store::Store& store, const std::string& path,
                                            std::vector<PodApp>& trees) {
  auto text = oslayer::read_file(path, appc::kMaxManifestSize);
  if (!text) return std::move(text).error().context("--pod-manifest");
  auto pm = appc::decode_pod_manifest(*text);
  if (!pm) return std::move(pm).error().context("--pod-manifest " + path);
  if (pm->apps.empty()) return Error::msg("--pod-manifest " + path + " has no apps");
  if (auto st = check_resource_isolators(pm->isolators); !st) {
    return std::move(st).error().context("--pod-manifest " + path);
  }
  const std::string arch = host_arch();
  for (auto& ra : pm->apps) {
    if (!ra.image.id) return Error::msg("app " + ra.name.str() + ": the image needs an id");
    auto rec = store.find_by_id(ra.image.id->str());
    if (!rec) return std::move(rec).error().context("app " + ra.name.str());
    auto m = appc::decode_image_manifest(rec->manifest);
    if (!m) return std::move(m).error().context("app " + ra.name.str());
    if (auto st = check_platform(*m, "linux", arch); !st) return std::move(st).error();
    if (!ra.app) ra.app = m->app;
    if (!ra.app || ra.app->exec.empty()) {
      return Error::msg("app " + ra.name.str() + ": no exec in the manifest or its image");
    }
    if (auto st = check_resource_isolators(ra.app->isolators); !st) {
      return std::move(st).error().context("app " + ra.name.str());
    }
    if (auto st = check_security_isolators(ra.app->isolators); !st) {
      return std::move(st).error().context("app " + ra.name.str());
    }
    auto tree = store::render_tree(store, rec->id, store::store_only_resolver(store));
    if (!tree) return std::move(tree).error().context("app " + ra.name.str());
    trees.push_back(PodApp{ra.name.str(), PodTree{tree->id, rec->manifest}});
  }
  std::erase_if(pm->annotations,
                [](const appc::Annotation& a) { return a.name.str() == kMutableAnnotation; });
  pm->annotations.push_back(
      appc::Annotation{*appc::AcIdentifier::parse(kMutableAnnotation), "false"});
  return pm;
}

}  // namespace

void add_prepare_flags(FlagSet& f) {
  add_stage1_flags(f);
  f.add_string("volume", "",
               "a volume for the pod: NAME,kind=host,source=PATH[,readOnly=BOOL] or "
               "NAME,kind=empty[,mode=0755,uid=0,gid=0] (repeatable)");
  f.add_string("set-env", "", "NAME=VALUE for every app; --environment wins (repeatable)");
  f.add_string("set-env-file", "", "a file of NAME=VALUE lines for every app (repeatable)");
  f.add_bool("inherit-env", false, "give apps rkt's own environment (lowest precedence)");
  f.add_string("pull-policy", "new",
               "when to pull an image: never (store only), new (store, then remote), update "
               "(remote, then store)");
  f.add_string("pod-manifest", "",
               "a complete appc pod manifest to use instead of images and per-app flags");
  f.add_string("uuid-file-save", "", "write the pod's UUID to this file before preparing it");
  f.add_string("port", "",
               "NAME:[HOSTIP:]HOSTPORT: forward a host port to the app port NAME (repeatable; "
               "needs a private network)");
  add_app_flags(f);
}

void add_start_flags(FlagSet& f) {
  f.add_optional_value("net", "default", "default",
                       "the pod's networks: \"default\" (a private network with a route out), "
                       "\"default-restricted\", CNI networks from net.d (NAME[:K=V;K=V],...), "
                       "\"all\", \"host\" (the host's network) or \"none\" (loopback only)");
  f.add_bool("interactive", false, "run the pod interactively (one app only)");
  f.add_string("hostname", "", "the pod's hostname (default: rkt-<uuid>)");
  f.add_string("hosts-entry", "",
               "IP=HOSTNAME entries for the pod's /etc/hosts (repeatable), or \"host\" for the "
               "host's /etc/hosts");
  f.add_string("dns", "", "a name server for the pod (repeatable), or \"host\" or \"none\"");
  f.add_string("dns-search", "", "a DNS search domain for the pod (repeatable)");
  f.add_string("dns-opt", "", "a DNS resolver option for the pod (repeatable)");
  f.add_string("dns-domain", "", "the pod's DNS local domain");
}

Result<int> prepare_pod(const Invocation& inv, const Command& command, Then then) {
  FlagValues flags = inv.flags;
  auto apps = parse_app_words(inv.args, flags, true);
  if (!apps) return usage(apps.error(), command);
  FlagSet app_flags;
  add_app_flags(app_flags);
  for (const FlagSpec& s : app_flags.specs()) {
    if (flags.is_set(s.name) && !is_position_sensitive(s.name)) {
      return usage(Error::msg("--" + s.name + " must follow an image"), command);
    }
  }
  // Global flags may follow an image too (rkt accepted them anywhere): read them again.
  auto global = make_global_config(flags);
  if (!global) return usage(global.error(), command);
  oslayer::log_set_debug(global->debug);
  if (auto st = pods::require_root(); !st) return std::move(st).error();
  EtcFlags etc;
  if (then == Then::kStart) {
    auto parsed = parse_etc_flags(*global, flags);
    if (!parsed) return std::move(parsed).error();
    etc = std::move(*parsed);
    if (flags.get_bool("interactive") && apps->size() > 1) {
      return Error::msg("--interactive only supports one image");
    }
  }
  const std::string manifest_path = flags.get_string("pod-manifest");
  if (!manifest_path.empty() &&
      (!apps->empty() || flags.is_set("volume") || flags.is_set("mount") ||
       flags.is_set("set-env") || flags.is_set("set-env-file") || flags.get_bool("inherit-env") ||
       flags.is_set("annotation") || flags.is_set("user-annotation") ||
       flags.is_set("user-label") || flags.is_set("port"))) {
    return Error::msg(
        "--pod-manifest conflicts with images, --volume, --mount, --set-env, --set-env-file, "
        "--inherit-env, --port and the annotation and label flags");
  }
  if (apps->empty() && manifest_path.empty()) {
    return Error::msg("must provide at least one image or specify the pod manifest");
  }
  // Bad isolator values are refused before any image is fetched (build_pod_manifest checks
  // them again, in context).
  for (const AppArgs& a : *apps) {
    if (auto iso = isolators_from_flags(a); !iso) {
      return std::move(iso).error().context("image " + a.image);
    }
  }
  auto env = pod_env(flags);
  if (!env) return std::move(env).error();

  auto store = store::Store::open(global->dir);
  if (!store) return std::move(store).error();
  auto stage1 = select_stage1(*store, *global, flags);
  if (!stage1) return std::move(stage1).error();

  std::vector<PodApp> trees;
  std::optional<appc::PodManifest> pm;
  if (!manifest_path.empty()) {
    auto loaded = load_pod_manifest(*store, manifest_path, trees);
    if (!loaded) return std::move(loaded).error();
    pm = std::move(*loaded);
  } else {
    auto resolved = resolve_apps(*store, *global, flags, std::move(*apps), trees);
    if (!resolved) return std::move(resolved).error();
    PodSpec spec{.ac_version = ROCKET_APPC_VERSION,
                 .volumes = flags.get_all("volume"),
                 .mounts = flags.get_all("mount"),
                 .annotations = flags.get_all("annotation"),
                 .user_annotations = flags.get_all("user-annotation"),
                 .user_labels = flags.get_all("user-label"),
                 .ports = flags.get_all("port"),
                 .env = std::move(*env),
                 .apps = std::move(*resolved)};
    auto built = build_pod_manifest(spec);
    if (!built) return std::move(built).error();
    pm = std::move(*built);
    for (size_t i = 0; i < trees.size(); ++i) trees[i].name = pm->apps[i].name.str();
  }
  if (auto st = check_host_volumes(pm->volumes); !st) return std::move(st).error();
  if (auto st = check_pod_sysctls(*pm, then == Then::kStart ? flags.get_string("net") : ""); !st) {
    return std::move(st).error();
  }
  if (then == Then::kStart) {
    if (auto st = plan_pod_networks(*global, *pm, etc.net); !st) return std::move(st).error();
  }
  for (const auto& line : unenforced_isolators(*pm)) oslayer::log_warning(line);
  if (then == Then::kStart) warn_insecure_overrides(*global, *pm);

  PodFiles files{appc::encode_pod_manifest(*pm), PodTree{stage1->tree_id, stage1->manifest},
                 std::move(trees), pm->volumes};
  // Shared: `image gc` (exclusive) must not remove a tree between its render above and the
  // moment the pod names it in stage1TreeStoreID or appsinfo/.
  auto prepare_lock = pods::hold_prepare_lock_shared(global->dir);
  if (!prepare_lock) return std::move(prepare_lock).error();
  auto pod = pods::HeldPod::create(global->dir);
  if (!pod) return std::move(pod).error();
  // Before preparing, as rkt: `rkt rm --uuid-file` can then clean up whatever happens next.
  if (const std::string& save = flags.get_string("uuid-file-save"); !save.empty()) {
    if (auto st = write_uuid_file(save, pod->uuid()); !st) return std::move(st).error();
  }
  if (auto st = write_pod_files(pod->dir().get(), files); !st) {
    return std::move(st).error().context("preparing pod " + pod->uuid());
  }
  if (then == Then::kStop) {
    if (auto st = pod->to_prepared(); !st) return std::move(st).error();
    if (auto st = oslayer::write_all(STDOUT_FILENO, pod->uuid() + "\n"); !st) {
      return std::move(st).error().context("writing to stdout");
    }
    return kExitOk;
  }
  if (auto st = pod->to_run(); !st) return std::move(st).error();
  *prepare_lock = oslayer::FileLock();  // released before stage1 runs for the pod's whole life
  PodTrees mounted{files.stage1.tree_id, files.stage1.manifest, {}};
  for (auto& a : files.apps) {
    mounted.apps.push_back({a.name, std::move(a.tree.tree_id), std::move(a.tree.manifest)});
  }
  auto st = start(*global, flags, std::move(etc), *pod, std::move(mounted));
  return std::move(st).error();
}

Result<int> start_prepared_pod(const Invocation& inv) {
  if (auto st = pods::require_root(); !st) return std::move(st).error();
  auto etc = parse_etc_flags(inv.global, inv.flags);
  if (!etc) return std::move(etc).error();
  auto ref = pods::find_pod(inv.global.dir, inv.args[0]);
  if (!ref) return std::move(ref).error();
  // Checked before the pod is taken: a --net, --port, sysctl or --interactive that cannot be
  // honoured leaves it prepared.
  auto raw = pods::read_pod_manifest_bytes(*ref);
  if (!raw) return std::move(raw).error();
  auto pm = appc::decode_pod_manifest(*raw);
  if (!pm) return std::move(pm).error().context("reading the pod manifest");
  if (auto st = plan_pod_networks(inv.global, *pm, etc->net); !st) return std::move(st).error();
  if (auto st = check_pod_sysctls(*pm, inv.flags.get_string("net")); !st) {
    return std::move(st).error();
  }
  if (inv.flags.get_bool("interactive") && pm->apps.size() > 1) {
    return Error::msg("--interactive only supports one app");
  }
  auto pod = pods::HeldPod::take_prepared(inv.global.dir, ref->uuid);
  if (!pod) return std::move(pod).error();
  warn_insecure_overrides(inv.global, *pm);
  auto st = start(inv.global, inv.flags, std::move(*etc), *pod, std::nullopt);
  return std::move(st).error();
}

}  // namespace stage0::run
