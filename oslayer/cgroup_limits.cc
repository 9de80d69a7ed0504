#include "oslayer/cgroup_limits.h"

#include <fcntl.h>

#include <algorithm>
#include <charconv>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

std::vector<std::string_view> words(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t b = s.find_first_not_of(seps, pos);
    if (b == std::string_view::npos) break;
    size_t e = std::min(s.find_first_of(seps, b), s.size());
    out.push_back(s.substr(b, e - b));
    pos = e;
  }
  return out;
}

bool contains(const std::vector<std::string_view>& v, std::string_view w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// The controllers a v2 directory has (its cgroup.controllers); empty when unreadable.
std::vector<std::string> v2_controllers(const std::string& dir) {
  std::vector<std::string> out;
  auto text = read_file(dir + "/cgroup.controllers", 4096);
  if (!text) return out;
  for (auto w : words(*text, " \n")) out.emplace_back(w);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

const CgroupSet::Dir* v1_dir_of(const CgroupSet& set, std::string_view controller) {
  for (const auto& d : set.dirs()) {
    if (!d.unified && contains(words(d.controllers, ","), controller)) return &d;
  }
  return nullptr;
}

const CgroupSet::Dir* unified_dir_of(const CgroupSet& set) {
  for (const auto& d : set.dirs()) {
    if (d.unified) return &d;
  }
  return nullptr;
}

Status write_value(const std::string& path, const std::string& value) {
  auto fd = open_path(path, O_WRONLY);
  if (!fd) return std::move(fd).error().context("setting " + path + " to " + value);
  return write_all(fd->get(), value).context("setting " + path + " to " + value);
}

}  // namespace

int64_t cfs_quota_us(int64_t millicores) {
  // millicores * 100 without overflow: anything past the kernel's maximum is the maximum.
  if (millicores > kMaxCfsQuotaUs / (kCfsPeriodUs / 1000)) return kMaxCfsQuotaUs;
  return std::max(kMinCfsQuotaUs, millicores * (kCfsPeriodUs / 1000));
}

int64_t cpu_weight_of_shares(int64_t shares) {
  return std::clamp<int64_t>(shares * 100 / 1024, 1, 10000);
}

std::vector<CgroupWrite> v1_limit_writes(const CgroupLimits& l) {
  std::vector<CgroupWrite> out;
  if (l.memory_bytes) {
    out.push_back({"memory", "memory.limit_in_bytes", std::to_string(*l.memory_bytes)});
  }
  if (l.cpu_millicores) {
    // The period first: the quota is checked against it.
    out.push_back({"cpu", "cpu.cfs_period_us", std::to_string(kCfsPeriodUs)});
    out.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(cfs_quota_us(*l.cpu_millicores))});
  }
  if (l.cpu_shares) out.push_back({"cpu", "cpu.shares", std::to_string(*l.cpu_shares)});
  return out;
}

std::vector<CgroupWrite> v2_limit_writes(const CgroupLimits& l) {
  std::vector<CgroupWrite> out;
  if (l.memory_bytes) out.push_back({"memory", "memory.max", std::to_string(*l.memory_bytes)});
  if (l.cpu_millicores) {
    out.push_back(
        {"cpu", "cpu.max",
         std::to_string(cfs_quota_us(*l.cpu_millicores)) + " " + std::to_string(kCfsPeriodUs)});
  }
  if (l.cpu_shares) {
    out.push_back({"cpu", "cpu.weight", std::to_string(cpu_weight_of_shares(*l.cpu_shares))});
  }
  return out;
}

std::optional<uint64_t> parse_oom_kill_count(std::string_view text) {
  for (auto line : words(text, "\n")) {
    auto w = words(line, " \t");
    if (w.size() != 2 || w[0] != "oom_kill") continue;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(w[1].data(), w[1].data() + w[1].size(), n);
    if (ec == std::errc() && end == w[1].data() + w[1].size()) return n;
  }
  return std::nullopt;
}

std::vector<std::string> controllers_for(const CgroupLimits& l) {
  std::vector<std::string> out;
  if (l.memory_bytes) out.emplace_back("memory");
  if (l.cpu_millicores || l.cpu_shares) out.emplace_back("cpu");
  return out;
}

Status enable_v2_controllers(const CgroupSet& set, const std::vector<std::string>& controllers) {
  const CgroupSet::Dir* u = unified_dir_of(set);
  if (u == nullptr) return ok();
  for (const auto& c : controllers) {
    if (v1_dir_of(set, c) != nullptr) continue;  // a hybrid host: v1 does the job
    if (!has(v2_controllers(u->path), c)) {
      // A v2 parent hands a controller to its children only when it lists it in its
      // cgroup.subtree_control, which it may do only while it holds no process itself.
      std::string parent = parent_of(u->path);
      if (!has(v2_controllers(parent), c)) {
        return Error::msg("the cgroup v2 " + c + " controller is not available in " + parent +
                          " (not delegated to it)");
      }
      if (auto s = write_value(parent + "/cgroup.subtree_control", "+" + c); !s) {
        return std::move(s).context("the cgroup v2 " + c + " controller is not enabled for " +
                                    u->path +
                                    " (delegate it, e.g. Delegate=yes in a systemd "
                                    "unit)");
      }
    }
    if (auto s = write_value(u->path + "/cgroup.subtree_control", "+" + c); !s) return s;
  }
  return ok();
}

Status apply_cgroup_limits(const CgroupSet& set, const CgroupLimits& limits) {
  auto apply = [&](const std::vector<CgroupWrite>& writes, bool v1) -> Status {
    for (const auto& w : writes) {
      const CgroupSet::Dir* d = v1 ? v1_dir_of(set, w.controller) : unified_dir_of(set);
      if (d == nullptr) continue;
      if (auto s = write_value(d->path + "/" + w.file, w.value); !s) return s;
    }
    return ok();
  };
  // Each controller is set where it is: its v1 hierarchy, else the unified tree.
  CgroupLimits v1, v2;
  const bool v1_memory = v1_dir_of(set, "memory") != nullptr;
  const bool v1_cpu = v1_dir_of(set, "cpu") != nullptr;
  (v1_memory ? v1 : v2).memory_bytes = limits.memory_bytes;
  (v1_cpu ? v1 : v2).cpu_millicores = limits.cpu_millicores;
  (v1_cpu ? v1 : v2).cpu_shares = limits.cpu_shares;
  if (!v2.empty()) {
    const CgroupSet::Dir* u = unified_dir_of(set);
    auto have = u != nullptr ? v2_controllers(u->path) : std::vector<std::string>{};
    for (const auto& c : controllers_for(v2)) {
      if (!has(have, c)) {
        return Error::msg("no " + c + " cgroup controller for " +
                          (u != nullptr ? u->path : std::string("this pod")) +
                          ": the limit cannot be enforced");
      }
    }
  }
  if (auto s = apply(v1_limit_writes(v1), true); !s) return s;
  return apply(v2_limit_writes(v2), false);
}

std::optional<uint64_t> read_oom_kills(const CgroupSet& set) {
  std::string file;
  if (const auto* d = v1_dir_of(set, "memory")) {
    file = d->path + "/memory.oom_control";
  } else if (const auto* u = unified_dir_of(set)) {
    file = u->path + "/memory.events";
  } else {
    return std::nullopt;
  }
  auto text = read_file(file, 4096);
  if (!text) return std::nullopt;
  return parse_oom_kill_count(*text);
}

}  // namespace oslayer
