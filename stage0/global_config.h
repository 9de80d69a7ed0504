// The global flags, which rkt declared as cobra persistent flags: accepted before or after the
// subcommand name, and handed to every command as one GlobalConfig.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"
#include "stage0/flag_set.h"
#include "stage0/insecure_options.h"

namespace stage0 {

inline constexpr std::string_view kDefaultDataDir = "/var/lib/rkt";
inline constexpr std::string_view kDefaultLocalConfigDir = "/etc/rkt";
inline constexpr std::string_view kDefaultSystemConfigDir = "/usr/lib/rkt";

struct GlobalConfig {
  // Directories are absolute and lexically clean, as rkt's absDir flag type made them. Nothing
  // here checks that they exist: commands that need the data dir open it themselves, so that
  // `rkt --dir /nonexistent version` works as it did in rkt.
  std::string dir = std::string(kDefaultDataDir);
  // True when --dir was given; otherwise a later config lookup (paths.d "data") may override.
  bool dir_from_flag = false;
  std::string local_config = std::string(kDefaultLocalConfigDir);
  std::string system_config = std::string(kDefaultSystemConfigDir);
  std::string user_config;  // empty: no user config dir
  InsecureOptions insecure;
  bool debug = false;
  bool trust_keys_from_https = false;
  bool help = false;  // --help/-h: print the usage of the command named, or the global one
};

// Declares --dir, --local-config, --system-config, --user-config, --insecure-options, --debug,
// --trust-keys-from-https and --help/-h.
void add_global_flags(FlagSet& flags);

// Builds the config from parsed flags; every error is a usage error naming the flag.
oslayer::Result<GlobalConfig> make_global_config(const FlagValues& flags);

// rkt's absDir: "" is refused, a relative path is joined to `cwd`, the result is cleaned like
// Go's filepath.Clean ("//a/./b/../c/" -> "/a/c"). Pure, for tests; `cwd` must be absolute.
oslayer::Result<std::string> make_absolute_dir(std::string_view value, std::string_view cwd);

}  // namespace stage0
