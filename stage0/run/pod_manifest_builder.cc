#include "stage0/run/pod_manifest_builder.h"

#include <arpa/inet.h>

#include <charconv>
#include <set>

#include "stage0/run/isolator_flags.h"
#include "stage0/run/security_flags.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

// The "key=value,key=value" syntax of --mount (rkt: url.ParseQuery over ',' -> '&').
Result<appc::Mount> parse_mount_flag(const std::string& s) {
  std::string volume, target;
  bool have_volume = false, have_target = false;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    const std::string part = s.substr(pos, comma - pos);
    pos = comma + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key == "volume" && !have_volume) {
      volume = value;
      have_volume = true;
    } else if (key == "target" && !have_target) {
      target = value;
      have_target = true;
    } else if (key == "volume" || key == "target") {
      return Error::msg("--mount \"" + s + "\": " + key + " given twice");
    } else {
      return Error::msg("--mount \"" + s + "\": unknown mount parameter \"" + key + "\"");
    }
  }
  if (!have_volume || !have_target) {
    return Error::msg("--mount \"" + s + "\" needs volume=NAME,target=PATH");
  }
  auto name = appc::AcName::parse(volume);
  if (!name) return std::move(name).error().context("--mount \"" + s + "\": volume name");
  if (!target.starts_with('/')) {
    return Error::msg("--mount \"" + s + "\": target must be an absolute path");
  }
  return appc::Mount{*name, target, std::nullopt};
}

Result<std::pair<std::string, std::string>> split_kv(const std::string& flag,
                                                     const std::string& s) {
  const size_t eq = s.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Error::msg(flag + " \"" + s + "\" must be NAME=VALUE");
  }
  return std::pair{s.substr(0, eq), s.substr(eq + 1)};
}

Status add_annotations(appc::Annotations& out, const std::vector<std::string>& flags) {
  for (const std::string& f : flags) {
    auto kv = split_kv("--annotation", f);
    if (!kv) return std::move(kv).error();
    auto name = appc::AcIdentifier::parse(kv->first);
    if (!name) return std::move(name).error().context("--annotation \"" + f + "\"");
    if (kv->first.starts_with("coreos.com/rkt/")) {
      return Error::msg("--annotation \"" + f + "\": coreos.com/rkt/ annotations are rkt's own");
    }
    std::erase_if(out, [&](const appc::Annotation& a) { return a.name == *name; });
    out.push_back(appc::Annotation{*name, kv->second});
  }
  return oslayer::ok();
}

Status add_string_map(appc::StringMap& out, const std::string& flag,
                      const std::vector<std::string>& flags) {
  for (const std::string& f : flags) {
    auto kv = split_kv(flag, f);
    if (!kv) return std::move(kv).error();
    out[kv->first] = kv->second;
  }
  return oslayer::ok();
}

Result<std::vector<uint32_t>> parse_gids(const std::string& s) {
  std::vector<uint32_t> gids;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t comma = std::min(s.find(',', pos), s.size());
    const std::string_view part = std::string_view(s).substr(pos, comma - pos);
    uint32_t gid = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), gid);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) {
      return Error::msg("--supplementary-gids \"" + s + "\" must be a list of numeric GIDs");
    }
    gids.push_back(gid);
    pos = comma + 1;
  }
  return gids;
}

// The app section: the image's, with the command line's overrides.
Result<appc::App> merge_app(const ResolvedApp& ra, const PodEnv& env) {
  const AppArgs& a = ra.args;
  appc::App app = ra.manifest.app.value_or(appc::App{});
  if (!ra.manifest.app) {
    // appc requires user and group; rkt ran an image without an app section as root.
    app.user = "0";
    app.group = "0";
  }
  if (!a.exec.empty()) app.exec = {a.exec};
  if (a.has_args) app.exec.insert(app.exec.end(), a.args.begin(), a.args.end());
  if (app.exec.empty()) {
    return Error::msg("image " + a.image + " has no app to run; give one with --exec");
  }
  if (!a.user.empty()) app.user = a.user;
  if (!a.group.empty()) app.group = a.group;
  if (!a.supplementary_gids.empty()) {
    auto gids = parse_gids(a.supplementary_gids);
    if (!gids) return std::move(gids).error();
    app.supplementary_gids = std::move(*gids);
  }
  if (!a.working_dir.empty()) app.working_directory = a.working_dir;
  for (const auto& [k, v] : a.environment) {
    if (k.empty()) return Error::msg("--environment \"=" + v + "\" has no name");
  }
  app.environment = merge_environment(env, app.environment, a.environment);
  if (auto st = add_string_map(app.user_annotations, "--user-annotation", a.user_annotations);
      !st) {
    return std::move(st).error();
  }
  if (auto st = add_string_map(app.user_labels, "--user-label", a.user_labels); !st) {
    return std::move(st).error();
  }
  auto isolators = isolators_from_flags(a);
  if (!isolators) return std::move(isolators).error();
  override_isolators(app.isolators, std::move(*isolators));
  if (auto st = check_resource_isolators(app.isolators); !st) return std::move(st).error();
  if (auto st = check_security_isolators(app.isolators); !st) return std::move(st).error();
  if (auto st = appc::validate_app(app); !st) return std::move(st).error();
  return app;
}

// Explicit mounts (the app's own, then the pod-wide ones for other paths), then the image's
// mount points that a volume of the same name satisfies.
Result<std::vector<appc::Mount>> app_mounts(const ResolvedApp& ra, const appc::App& app,
                                            const std::vector<appc::Mount>& pod_mounts) {
  std::vector<appc::Mount> out;
  auto has_path = [&](const std::string& p) {
    for (const auto& m : out) {
      if (m.path == p) return true;
    }
    return false;
  };
  for (const std::string& f : ra.args.mounts) {
    auto m = parse_mount_flag(f);
    if (!m) return std::move(m).error();
    if (has_path(m->path)) return Error::msg("--mount: two mounts on " + m->path);
    out.push_back(std::move(*m));
  }
  for (const auto& m : pod_mounts) {
    if (!has_path(m.path)) out.push_back(m);
  }
  for (const auto& mp : app.mount_points) {
    if (!has_path(mp.path)) out.push_back(appc::Mount{mp.name, mp.path, std::nullopt});
  }
  return out;
}

}  // namespace

Result<appc::AcName> default_app_name(const appc::AcIdentifier& image_name) {
  const std::string& n = image_name.str();
  const size_t slash = n.rfind('/');
  return appc::AcName::sanitize(slash == std::string::npos ? n : n.substr(slash + 1));
}

std::string appc_arch_of(std::string_view machine) {
  if (machine == "x86_64") return "amd64";
  if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686") {
    return "i386";
  }
  if (machine == "aarch64" || machine == "aarch64_be" || machine == "armv6l" ||
      machine == "armv7l" || machine == "armv7b" || machine == "ppc64" || machine == "ppc64le" ||
      machine == "s390x" || machine == "riscv64") {
    return std::string(machine);
  }
  return "";
}

Status check_platform(const appc::ImageManifest& m, std::string_view os, std::string_view arch) {
  if (auto want = appc::find_label(m.labels, "os"); want && *want != os) {
    return Error::msg("image " + m.name.str() + " is for os \"" + *want + "\", this host runs \"" +
                      std::string(os) + "\"");
  }
  if (auto want = appc::find_label(m.labels, "arch"); want && !arch.empty() && *want != arch) {
    return Error::msg("image " + m.name.str() + " is for arch \"" + *want + "\", this host is \"" +
                      std::string(arch) + "\"");
  }
  return oslayer::ok();
}

Result<appc::ExposedPort> parse_port_flag(const std::string& flag) {
  const std::string what = "--port \"" + flag + "\"";
  const size_t first = flag.find(':');
  const size_t last = flag.rfind(':');
  if (first == std::string::npos) return Error::msg(what + ": expected NAME:[HOSTIP:]HOSTPORT");
  auto name = appc::AcName::parse(flag.substr(0, first));
  if (!name) return std::move(name).error().context(what);
  appc::ExposedPort p{.name = *name};
  if (last != first) {
    p.host_ip = flag.substr(first + 1, last - first - 1);
    in_addr a{};
    if (::inet_pton(AF_INET, p.host_ip.c_str(), &a) != 1) {
      return Error::msg(what + ": \"" + p.host_ip + "\" is not an IPv4 address");
    }
  }
  const std::string port = flag.substr(last + 1);
  unsigned long n = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || n == 0 ||
      n > 65535) {
    return Error::msg(what + ": \"" + port + "\" is not a port number (1-65535)");
  }
  p.host_port = static_cast<uint16_t>(n);
  return p;
}

Result<appc::PodManifest> build_pod_manifest(const PodSpec& spec) {
  auto version = appc::SemVer::parse(spec.ac_version);
  if (!version) return std::move(version).error().context("acVersion");
  appc::PodManifest pm{.ac_version = *version};
  if (spec.apps.empty()) return Error::msg("no image to run");

  std::set<std::string, std::less<>> volume_names;
  for (const std::string& f : spec.volumes) {
    auto v = appc::parse_volume_flag(f);
    if (!v) return std::move(v).error().context("--volume \"" + f + "\"");
    if (!volume_names.insert(v->name.str()).second) {
      return Error::msg("--volume: volume \"" + v->name.str() + "\" defined twice");
    }
    pm.volumes.push_back(std::move(*v));
  }
  std::vector<appc::Mount> pod_mounts;
  for (const std::string& f : spec.mounts) {
    auto m = parse_mount_flag(f);
    if (!m) return std::move(m).error();
    pod_mounts.push_back(std::move(*m));
  }

  std::set<std::string, std::less<>> app_names;
  for (const ResolvedApp& ra : spec.apps) {
    auto name =
        ra.args.name.empty()
            ? default_app_name(ra.manifest.name).context("naming the app of image " + ra.args.image)
            : appc::AcName::parse(ra.args.name).context("--name \"" + ra.args.name + "\"");
    if (!name) return std::move(name).error();
    if (!app_names.insert(name->str()).second) {
      return Error::msg("two apps are named \"" + name->str() +
                        "\"; give each image its own --name");
    }
    auto id = appc::ImageId::parse_full(ra.image_id);
    if (!id) return std::move(id).error().context("image " + ra.args.image);
    appc::RuntimeApp rt{.name = *name,
                        .image = appc::RuntimeImage{*id, ra.manifest.name, ra.manifest.labels}};
    auto app = merge_app(ra, spec.env);
    if (!app) return std::move(app).error().context("app " + rt.name.str());
    auto mounts = app_mounts(ra, *app, pod_mounts);
    if (!mounts) return std::move(mounts).error().context("app " + rt.name.str());
    for (const auto& m : *mounts) {
      if (!volume_names.contains(m.volume.str())) {
        return Error::msg("app " + rt.name.str() + ": mount on " + m.path + " needs volume \"" +
                          m.volume.str() + "\", which no --volume defines");
      }
    }
    rt.app = std::move(*app);
    rt.mounts = std::move(*mounts);
    rt.read_only_root_fs = ra.args.readonly_rootfs.value_or(false);
    if (auto st = add_annotations(rt.annotations, ra.args.annotations); !st) {
      return std::move(st).error().context("app " + rt.name.str());
    }
    pm.apps.push_back(std::move(rt));
  }

  for (const std::string& f : spec.ports) {
    auto p = parse_port_flag(f);
    if (!p) return std::move(p).error();
    bool found = false;
    for (const auto& ra : pm.apps) {
      for (const auto& ap : ra.app->ports) found = found || ap.name == p->name;
    }
    if (!found) {
      return Error::msg("--port \"" + f + "\": no app's image has a port named " + p->name.str());
    }
    for (const auto& other : pm.ports) {
      if (other.name == p->name)
        return Error::msg("--port: port " + p->name.str() + " given twice");
    }
    pm.ports.push_back(std::move(*p));
  }

  if (auto st = add_annotations(pm.annotations, spec.annotations); !st) {
    return std::move(st).error();
  }
  pm.annotations.push_back(
      appc::Annotation{*appc::AcIdentifier::parse(kMutableAnnotation), "false"});
  if (auto st = add_string_map(pm.user_annotations, "--user-annotation", spec.user_annotations);
      !st) {
    return std::move(st).error();
  }
  if (auto st = add_string_map(pm.user_labels, "--user-label", spec.user_labels); !st) {
    return std::move(st).error();
  }

  // The round trip is the validation: what stage1 will decode is exactly what was built.
  const std::string json = appc::encode_pod_manifest(pm);
  auto decoded = appc::decode_pod_manifest(json);
  if (!decoded) return std::move(decoded).error().context("checking the pod manifest");
  if (appc::encode_pod_manifest(*decoded) != json) {
    return Error::msg("internal error: the pod manifest does not survive a round trip");
  }
  return std::move(*decoded);
}

}  // namespace stage0::run
