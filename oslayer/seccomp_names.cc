#include "oslayer/seccomp_names.h"

#include <string.h>

#include <cerrno>

#include "oslayer/seccomp_filter.h"

namespace oslayer {

namespace g = seccomp_groups;

std::string_view seccomp_mode_name(SeccompMode mode) {
  return mode == SeccompMode::kRetain ? "retain" : "remove";
}

bool is_default_whitelist_group(std::string_view name) {
  return name == g::kRktDefaultWhitelist || name == g::kDockerDefaultWhitelist;
}

bool is_default_blacklist_group(std::string_view name) {
  return name == g::kRktDefaultBlacklist || name == g::kDockerDefaultBlacklist;
}

namespace {

Status check_group(SeccompMode mode, const std::string& name) {
  const bool retain = mode == SeccompMode::kRetain;
  // A group of the other mode has no sensible reading: a denylist "retained" would allow only
  // the dangerous calls, and "@appc.io/all" removed would leave the app unable to exec.
  const char* wrong = nullptr;
  if (is_default_whitelist_group(name) || name == g::kAppcAll) {
    if (!retain) wrong = "an allowlist: use it with mode=retain (seccomp-retain-set)";
  } else if (is_default_blacklist_group(name)) {
    if (retain) wrong = "a denylist: use it with mode=remove (seccomp-remove-set)";
  } else if (name != g::kAppcEmpty) {
    return Error::msg("unknown seccomp group \"" + name +
                      "\" (known: @appc.io/all, @appc.io/empty, @rkt/default-whitelist, "
                      "@rkt/default-blacklist, @docker/default-whitelist, "
                      "@docker/default-blacklist)");
  }
  if (wrong != nullptr) return Error::msg("seccomp group \"" + name + "\" is " + wrong);
  return ok();
}

}  // namespace

Status check_seccomp_set(SeccompMode mode, const std::vector<std::string>& set) {
  if (set.empty()) return Error::msg("the seccomp set is empty");
  for (const auto& name : set) {
    if (name.starts_with("@")) {
      if (auto st = check_group(mode, name); !st) return st;
    } else if (auto nr = resolve_syscall(name); !nr) {
      return Error::msg("unknown system call \"" + name.substr(0, 64) + "\"");
    }
  }
  return ok();
}

Result<int> parse_errno_name(std::string_view name) {
  // Aliases that share a number; strerrorname_np gives only the other spelling.
  if (name == "ENOTSUP") return ENOTSUP;
  if (name == "EWOULDBLOCK") return EWOULDBLOCK;
  if (name == "EDEADLOCK") return EDEADLOCK;
  for (int e = 1; e < 4096; ++e) {
    const char* n = ::strerrorname_np(e);
    if (n != nullptr && name == n) return e;
  }
  return Error::msg("unknown errno name \"" + std::string(name.substr(0, 64)) + "\"");
}

}  // namespace oslayer
