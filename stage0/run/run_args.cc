#include "stage0/run/run_args.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "oslayer/log.h"

namespace stage0::run {
namespace {

using oslayer::Error;

constexpr std::array<std::string_view, 4> kPositionSensitive = {"mount", "user-annotation",
                                                                "user-label", "annotation"};

// Stores one per-app flag occurrence in `app`. Only repeats that cannot mean anything are
// refused here; values are checked later.
oslayer::Status apply_app_flag(AppArgs& app, std::string_view flag, std::string value) {
  auto once = [&](std::string& field) -> oslayer::Status {
    if (!field.empty()) {
      return Error::msg("--" + std::string(flag) + " given twice for image " + app.image);
    }
    field = std::move(value);
    return oslayer::ok();
  };
  if (flag == "name") return once(app.name);
  if (flag == "exec") return once(app.exec);
  if (flag == "signature") return once(app.signature);
  if (flag == "memory") return once(app.memory);
  if (flag == "cpu") return once(app.cpu);
  if (flag == "cpu-shares") return once(app.cpu_shares);
  if (flag == "oom-score-adj") return once(app.oom_score_adj);
  if (flag == "caps-retain") return once(app.caps_retain);
  if (flag == "caps-remove") return once(app.caps_remove);
  if (flag == "seccomp") return once(app.seccomp);
  if (flag == "working-dir") {
    app.working_dir = std::move(value);
  } else if (flag == "user") {
    app.user = std::move(value);
  } else if (flag == "group") {
    app.group = std::move(value);
  } else if (flag == "supplementary-gids") {
    app.supplementary_gids = std::move(value);
  } else if (flag == "environment") {
    const size_t eq = value.find('=');
    if (eq == std::string::npos) {
      return Error::msg("--environment \"" + value + "\" must be NAME=VALUE");
    }
    app.environment.emplace_back(value.substr(0, eq), value.substr(eq + 1));
  } else if (flag == "readonly-rootfs") {
    app.readonly_rootfs = value == "true";
  } else if (flag == "mount") {
    app.mounts.push_back(std::move(value));
  } else if (flag == "user-annotation") {
    app.user_annotations.push_back(std::move(value));
  } else if (flag == "user-label") {
    app.user_labels.push_back(std::move(value));
  } else if (flag == "annotation") {
    app.annotations.push_back(std::move(value));
  } else {
    return Error::msg("internal error: per-app flag --" + std::string(flag) + " not handled");
  }
  return oslayer::ok();
}

}  // namespace

void add_app_flags(FlagSet& f) {
  f.add_string("name", "",
               "per-app: the name of the preceding image's app (default: from the "
               "image name)");
  f.add_string("exec", "", "per-app: override the exec command of the preceding image");
  f.add_string("working-dir", "", "per-app: override the working directory");
  f.add_string("user", "", "per-app: user override (a UID, a name, or a file whose owner is used)");
  f.add_string("group", "",
               "per-app: group override (a GID, a name, or a file whose group is "
               "used)");
  f.add_string("supplementary-gids", "", "per-app: supplementary group IDs, e.g. 1024,2048");
  f.add_string("environment", "", "per-app: an environment variable NAME=VALUE (repeatable)");
  f.add_bool("readonly-rootfs", false, "per-app: mount the app's rootfs read-only");
  f.add_string("signature", "", "per-app: a local signature file for the preceding image");
  f.add_string("mount", "",
               "volume=NAME,target=PATH: before any image, for every app; after "
               "an image, for that app only (repeatable)");
  f.add_string("user-annotation", "",
               "NAME=VALUE: the pod's, or after an image the app's "
               "(repeatable)");
  f.add_string("user-label", "",
               "NAME=VALUE: the pod's, or after an image the app's "
               "(repeatable)");
  f.add_string("annotation", "",
               "NAME=VALUE (an AC identifier): the pod's, or after an image "
               "the app's (repeatable)");
  f.add_string("memory", "", "per-app: memory limit, a quantity such as 64M or 128Mi");
  f.add_string("cpu", "", "per-app: CPU limit in cores, such as 500m or 2");
  f.add_string("cpu-shares", "", "per-app: CPU shares, 2..262144 (1024 is the default weight)");
  f.add_string("oom-score-adj", "", "per-app: the app's OOM score adjustment, -1000..1000");
  f.add_string("caps-retain", "",
               "per-app: the only capabilities the app may have, e.g. CAP_NET_ADMIN,NET_RAW "
               "(not with --caps-remove)");
  f.add_string("caps-remove", "",
               "per-app: capabilities taken out of the default set, e.g. CAP_MKNOD,NET_RAW");
  // rkt's spellings before 1.25, kept as it kept them.
  f.add_deprecated_alias("cap-retain", "caps-retain");
  f.add_deprecated_alias("cap-remove", "caps-remove");
  f.add_string("seccomp", "",
               "per-app: mode=retain|remove[,errno=ENAME],SYSCALL|@GROUP,... (an allowlist or a "
               "denylist replacing the default filter)");
}

bool is_position_sensitive(std::string_view flag) {
  return std::find(kPositionSensitive.begin(), kPositionSensitive.end(), flag) !=
         kPositionSensitive.end();
}

oslayer::Result<std::vector<AppArgs>> parse_app_words(std::span<const std::string> words,
                                                      FlagValues& pod_flags, bool allow_app_args) {
  FlagSet app_set;
  add_app_flags(app_set);
  std::vector<AppArgs> apps;
  bool in_app_args = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (in_app_args) {
      if (w == "---") {
        in_app_args = false;
      } else {
        apps.back().args.push_back(w);
      }
      continue;
    }
    if (w == "--") {
      if (!allow_app_args) return Error::msg("app arguments (\"--\") are not accepted here");
      if (apps.empty()) return Error::msg("an image is required before any app arguments");
      if (apps.back().has_args) {
        return Error::msg("only one set of app arguments allowed per image (" + apps.back().image +
                          ")");
      }
      apps.back().has_args = true;
      in_app_args = true;
      continue;
    }
    // rkt ignored a stray "---"; it is far more likely a typo for "--", so say so.
    if (w == "---") return Error::msg("\"---\" without a \"--\" before it");
    if (w.size() < 2 || w[0] != '-') {
      apps.push_back(AppArgs{.image = w});
      continue;
    }
    if (!w.starts_with("--")) return Error::msg("unknown flag: " + w);
    const std::string_view body = std::string_view(w).substr(2);
    const size_t eq = body.find('=');
    std::string name(body.substr(0, eq));
    const FlagSpec* spec = app_set.find(name);
    const bool per_app = spec != nullptr && !apps.empty();
    if (spec == nullptr) spec = pod_flags.set().find(name);
    if (spec == nullptr) return Error::msg("unknown flag: --" + name);
    if (!spec->alias_of.empty()) {
      // pflag printed this while parsing, whatever the command went on to do; so does Rocket.
      oslayer::log_warning("Flag --" + name + " has been deprecated, use --" + spec->alias_of +
                           " instead");
      name = spec->alias_of;
      spec = per_app ? app_set.find(name) : pod_flags.set().find(name);
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (spec->kind == FlagKind::kBool) {
      value = "true";
    } else if (spec->kind == FlagKind::kOptionalValue) {
      value = spec->no_opt_value;
    } else {
      if (i + 1 >= words.size()) return Error::msg("flag needs an argument: --" + name);
      value = words[++i];
    }
    if (spec->kind == FlagKind::kBool) {
      const std::optional<bool> b = parse_go_bool(value);
      if (!b) {
        return Error::msg("invalid argument \"" + value + "\" for \"--" + name +
                          "\" flag: not a boolean (true, false, 1, 0, t, f)");
      }
      value = *b ? "true" : "false";
    }
    if (per_app) {
      if (auto st = apply_app_flag(apps.back(), name, std::move(value)); !st) {
        return std::move(st).error();
      }
    } else {
      pod_flags.add(spec->name, std::move(value));
    }
  }
  return apps;
}

}  // namespace stage0::run
