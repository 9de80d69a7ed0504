#include "stage0/global_config.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace stage0 {
namespace {

struct DirFlag {
  std::string_view name;
  std::string GlobalConfig::*member;
};
constexpr DirFlag kDirFlags[] = {
    {"dir", &GlobalConfig::dir},
    {"system-config", &GlobalConfig::system_config},
    {"local-config", &GlobalConfig::local_config},
    {"user-config", &GlobalConfig::user_config},
};

// Go's filepath.Clean for a rooted path: drop empty and "." elements, let ".." eat the element
// before it, and never climb above "/".
std::string clean_rooted(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view elem = path.substr(0, slash);
    if (elem == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!elem.empty() && elem != ".") {
      parts.push_back(elem);
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (parts.empty()) return "/";
  std::string out;
  for (std::string_view p : parts) {
    out += '/';
    out += p;
  }
  return out;
}

oslayer::Error flag_error(std::string_view flag, std::string_view value, oslayer::Error cause) {
  return std::move(cause).context("invalid argument \"" + std::string(value) + "\" for \"--" +
                                  std::string(flag) + "\" flag");
}

}  // namespace

void add_global_flags(FlagSet& flags) {
  flags.add_string("dir", std::string(kDefaultDataDir), "rkt data directory");
  flags.add_string("system-config", std::string(kDefaultSystemConfigDir),
                   "system configuration directory");
  flags.add_string("local-config", std::string(kDefaultLocalConfigDir),
                   "local configuration directory");
  flags.add_string("user-config", "", "user configuration directory");
  flags.add_string("insecure-options", "none",
                   "comma-separated list of security features to disable. Allowed values: " +
                       std::string(InsecureOptions::kNames));
  flags.add_bool("trust-keys-from-https", false, "automatically trust gpg keys fetched from https");
  flags.add_bool("debug", false, "print out more debug information to stderr");
  flags.add_bool("help", false, "help for rkt or the command", 'h');
}

oslayer::Result<std::string> make_absolute_dir(std::string_view value, std::string_view cwd) {
  if (value.empty()) return oslayer::Error::msg("\"\" is not a valid directory");
  if (value.front() == '/') return clean_rooted(value);
  return clean_rooted(std::string(cwd) + "/" + std::string(value));
}

oslayer::Result<GlobalConfig> make_global_config(const FlagValues& flags) {
  GlobalConfig c;
  std::string cwd;
  // Only flags the user gave are checked: the default user config dir is "", which rkt's absDir
  // would refuse if it were passed explicitly.
  for (const DirFlag& f : kDirFlags) {
    if (!flags.is_set(f.name)) continue;
    const std::string& value = flags.get_string(f.name);
    // The working directory is asked for only when a value is relative: an unreachable cwd must
    // not break `rkt version`.
    if (!value.empty() && value.front() != '/' && cwd.empty()) {
      std::error_code ec;
      const std::filesystem::path p = std::filesystem::current_path(ec);
      if (ec) {
        return flag_error(f.name, value,
                          oslayer::Error::sys(ec.value(), "finding the working directory"));
      }
      cwd = p.string();
    }
    auto dir = make_absolute_dir(value, cwd);
    if (!dir) return flag_error(f.name, value, std::move(dir).error());
    c.*f.member = std::move(*dir);
  }
  c.dir_from_flag = flags.is_set("dir");

  const std::string& insecure = flags.get_string("insecure-options");
  auto opts = InsecureOptions::parse(insecure);
  if (!opts) return flag_error("insecure-options", insecure, std::move(opts).error());
  c.insecure = *opts;

  c.debug = flags.get_bool("debug");
  c.trust_keys_from_https = flags.get_bool("trust-keys-from-https");
  c.help = flags.get_bool("help");
  return c;
}

}  // namespace stage0
