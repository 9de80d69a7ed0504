#include "oslayer/sysctl.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "oslayer/beneath.h"
#include "oslayer/fd.h"

namespace oslayer {
namespace {

// The IPC namespace's sysctls (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). An explicit list, not a
// prefix: a future kernel.shm-something need not be namespaced.
constexpr std::array<std::string_view, 11> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",      "kernel.msg_next_id",
    "kernel.sem",    "kernel.sem_next_id",     "kernel.shmall",      "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.shm_next_id",
};
constexpr std::string_view kMqueuePrefix = "fs.mqueue.";
constexpr size_t kMaxValue = 4096;  // a sysctl write takes at most a page

bool valid_component(std::string_view c) {
  return !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-';
  });
}

// Dotted components of letters, digits, '_' and '-': nothing that could climb out of /proc/sys
// once the dots become slashes.
bool valid_name(std::string_view name) {
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    if (!valid_component(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Whitespace-separated integers (an optional '-'), exactly `count` of them.
bool integers(std::string_view v, size_t count) {
  size_t found = 0, i = 0;
  while (i < v.size()) {
    if (v[i] == ' ' || v[i] == '\t') {
      ++i;
      continue;
    }
    if (v[i] == '-') ++i;
    const size_t digits = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) ++i;
    if (i == digits || (i < v.size() && v[i] != ' ' && v[i] != '\t')) return false;
    ++found;
  }
  return found == count;
}

}  // namespace

Result<SysctlScope> check_sysctl_name(std::string_view name, bool own_net) {
  if (!valid_name(name)) {
    return Error::msg("not a sysctl name (dotted words of letters, digits, '_' and '-')");
  }
  if (std::find(kIpcSysctls.begin(), kIpcSysctls.end(), name) != kIpcSysctls.end() ||
      (name.starts_with(kMqueuePrefix) && name.find('.', kMqueuePrefix.size()) == name.npos)) {
    return SysctlScope::kIpc;
  }
  if (name.starts_with("net.")) {
    if (own_net) return SysctlScope::kNet;
    return Error::msg(
        "the pod shares the host's network (--net=host): net.* would change the host");
  }
  if (name == "kernel.hostname" || name == "kernel.domainname") {
    return Error::msg("set by --hostname, not by a sysctl");
  }
  return Error::msg(
      "not namespaced: the pod may set only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* "
      "and, with a network of its own, net.*");
}

Status check_sysctl_value(std::string_view name, std::string_view value) {
  if (value.empty()) return Error::msg("an empty value");
  if (value.size() > kMaxValue) return Error::msg("a value over 4096 bytes");
  for (char c : value) {
    if ((c < 0x20 && c != '\t') || c > 0x7e) {
      return Error::msg("the value has a control or non-ASCII character");
    }
  }
  if (name.starts_with("net.")) return ok();
  const size_t count = name == "kernel.sem" ? 4 : 1;
  if (!integers(value, count)) {
    return Error::msg("\"" + std::string(value) + "\" is not " +
                      (count == 1 ? "an integer" : "four integers"));
  }
  return ok();
}

Status check_sysctl(std::string_view name, std::string_view value, bool own_net) {
  const std::string what = "sysctl " + std::string(name);
  if (auto scope = check_sysctl_name(name, own_net); !scope) {
    return std::move(scope).error().context(what);
  }
  return check_sysctl_value(name, value).context(what);
}

Status write_sysctl(int proc_root, std::string_view name, std::string_view value) {
  std::string path = "sys/" + std::string(name);
  std::replace(path.begin(), path.end(), '.', '/');
  const std::string what = "sysctl " + std::string(name) + " = \"" + std::string(value) + "\"";
  auto fd = open_beneath(proc_root, path, O_WRONLY, 0, Symlinks::kRefuse);
  if (!fd) return std::move(fd).error().context(what);
  return write_all(fd->get(), value).context(what);
}

}  // namespace oslayer
