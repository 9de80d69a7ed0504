#include "oslayer/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "oslayer/device_filter.h"
#include "oslayer/fd.h"

namespace oslayer {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    size_t next = s.find(sep, pos);
    out.emplace_back(s.substr(pos, next == std::string_view::npos ? s.npos : next - pos));
    if (next == std::string_view::npos) return out;
    pos = next + 1;
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      auto oct = s.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

struct CgroupMount {
  std::string root;  // the cgroup path mounted there
  std::string mount_point;
  std::set<std::string> options;  // super options: controllers, name=...
  bool unified = false;
};

std::vector<CgroupMount> parse_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (const auto& line : split(mountinfo, '\n')) {
    auto fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
    const std::string& fstype = *(dash + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount m;
    m.root = unescape(fields[3]);
    m.mount_point = unescape(fields[4]);
    m.unified = fstype == "cgroup2";
    for (auto& o : split(*(dash + 3), ',')) m.options.insert(o);
    out.push_back(std::move(m));
  }
  return out;
}

// The path of `cgroup_path` inside a mount of `root`: "" for the mount's root; nullopt when the
// process's cgroup is not visible through that mount.
std::optional<std::string> path_in_mount(const std::string& root, const std::string& cgroup_path) {
  std::string r = root == "/" ? "" : root;
  if (cgroup_path.compare(0, r.size(), r) != 0) return std::nullopt;
  std::string rest = cgroup_path.substr(r.size());
  if (!rest.empty() && rest[0] != '/') return std::nullopt;
  while (!rest.empty() && rest[0] == '/') rest.erase(0, 1);
  return rest;
}

bool wanted_v1(const std::vector<std::string>& controllers) {
  for (const auto& c : controllers) {
    for (auto want : kPodControllers) {
      if (c == want) return true;
    }
  }
  return false;
}

std::string join_path(const std::string& a, const std::string& b) {
  if (b.empty()) return a;
  if (a.empty() || a.back() == '/') return a + b;
  return a + "/" + b;
}

Status write_text(const std::string& path, std::string_view text) {
  auto fd = open_path(path, O_WRONLY);
  if (!fd) return std::move(fd).error();
  return write_all(fd->get(), text).context("writing " + path);
}

Status copy_cpuset_value(const std::string& parent, const std::string& child,
                         const std::string& file) {
  auto value = read_file(join_path(parent, file), 4096);
  if (!value) return std::move(value).error();
  return write_text(join_path(child, file), *value);
}

// Sends SIGKILL to every process of the cgroup `dir` (not below it).
void kill_processes(const std::string& dir) {
  // cgroup v2 (5.14+) kills the whole cgroup atomically, fork races included.
  if (write_text(join_path(dir, "cgroup.kill"), "1")) return;
  auto procs = read_file(join_path(dir, "cgroup.procs"), 1 << 20);
  if (!procs) return;
  for (const auto& line : split(*procs, '\n')) {
    if (line.empty()) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(line.c_str(), nullptr, 10));
    // Our own process must never be in a cgroup we are removing; skip it if misconfigured.
    if (pid > 0 && pid != ::getpid()) (void)::kill(pid, SIGKILL);
  }
}

}  // namespace

// One line of /proc/self/cgroup: "hierarchy-id:controller-list:path" (the path may itself
// contain ':').
struct CgroupLine {
  std::string controllers;
  std::string path;
  bool unified = false;
  std::vector<std::string> names;
};

// The lines of the hierarchies a pod uses: the unified one and the v1 ones with a controller of
// kPodControllers.
Result<std::vector<CgroupLine>> wanted_lines(std::string_view proc_cgroup) {
  std::vector<CgroupLine> out;
  for (const auto& line : split(proc_cgroup, '\n')) {
    if (line.empty()) continue;
    auto c1 = line.find(':');
    auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string::npos) return Error::msg("malformed /proc/self/cgroup line: " + line);
    CgroupLine l;
    l.controllers = line.substr(c1 + 1, c2 - c1 - 1);
    l.path = line.substr(c2 + 1);
    l.unified = line.substr(0, c1) == "0" && l.controllers.empty();
    l.names = split(l.controllers, ',');
    if (!l.unified && !wanted_v1(l.names)) continue;
    out.push_back(std::move(l));
  }
  return out;
}

Result<CgroupLayout> finish_layout(CgroupLayout layout) {
  bool have_v1 = false, have_unified = false;
  for (const auto& h : layout.hierarchies) (h.unified ? have_unified : have_v1) = true;
  if (!have_v1 && !have_unified) {
    return Error::msg("no cgroup hierarchy of this process is mounted");
  }
  layout.mode = !have_v1       ? CgroupMode::kUnified
                : have_unified ? CgroupMode::kHybrid
                               : CgroupMode::kLegacy;
  return layout;
}

Result<CgroupLayout> parse_cgroup_layout(std::string_view mountinfo, std::string_view proc_cgroup) {
  auto mounts = parse_mounts(mountinfo);
  auto lines = wanted_lines(proc_cgroup);
  if (!lines) return std::move(lines).error();
  CgroupLayout layout;
  for (const auto& [controllers, path, unified, names] : *lines) {
    for (const auto& m : mounts) {
      if (m.unified != unified) continue;
      if (!unified && !std::all_of(names.begin(), names.end(),
                                   [&](const std::string& n) { return m.options.count(n) > 0; })) {
        continue;
      }
      auto own = path_in_mount(m.root, path);
      if (!own) continue;
      layout.hierarchies.push_back({m.mount_point, controllers, *own, unified});
      break;
    }
  }
  return finish_layout(std::move(layout));
}

CgroupProbe host_cgroup_probe() {
  return {[](const std::string& path) -> long {
            struct statfs st {};
            return ::statfs(path.c_str(), &st) == 0 ? static_cast<long>(st.f_type) : 0;
          },
          [](const std::string& path) {
            struct stat st {};
            return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
          }};
}

std::optional<CgroupLayout> conventional_cgroup_layout(std::string_view proc_cgroup,
                                                       const CgroupProbe& probe) {
  auto lines = wanted_lines(proc_cgroup);
  if (!lines) return std::nullopt;
  constexpr char kRoot[] = "/sys/fs/cgroup";
  const bool v2_only = probe.fs_type(kRoot) == CGROUP2_SUPER_MAGIC;
  CgroupLayout layout;
  for (const auto& [controllers, path, unified, names] : *lines) {
    std::string mount_point;
    if (unified) {
      mount_point = v2_only ? kRoot : std::string(kRoot) + "/unified";
      if (probe.fs_type(mount_point) != CGROUP2_SUPER_MAGIC) return std::nullopt;
    } else {
      if (v2_only) return std::nullopt;
      const bool named = controllers.rfind("name=", 0) == 0;
      mount_point = std::string(kRoot) + "/" + (named ? controllers.substr(5) : controllers);
      if (probe.fs_type(mount_point) != CGROUP_SUPER_MAGIC) return std::nullopt;
    }
    // The mount's root is the hierarchy's (as systemd mounts it), so the process's cgroup is
    // at its own path below it; a mount of a subtree (some containers) fails this test.
    auto own = path_in_mount("/", path);
    if (!own || !probe.is_dir(join_path(mount_point, *own))) return std::nullopt;
    layout.hierarchies.push_back({mount_point, controllers, *own, unified});
  }
  auto done = finish_layout(std::move(layout));
  if (!done) return std::nullopt;
  return std::move(*done);
}

Result<CgroupLayout> detect_cgroups() {
  auto cgroup = read_file("/proc/self/cgroup", 1 << 20);
  if (!cgroup) return std::move(cgroup).error().context("detecting cgroups");
  if (auto layout = conventional_cgroup_layout(*cgroup, host_cgroup_probe())) return *layout;
  auto mountinfo = read_file("/proc/self/mountinfo", 16 << 20);
  if (!mountinfo) return std::move(mountinfo).error().context("detecting cgroups");
  return parse_cgroup_layout(*mountinfo, *cgroup).context("detecting cgroups");
}

Result<CgroupSet> CgroupSet::plan_below(const CgroupLayout& layout, const std::string& name) {
  std::vector<Dir> parents;
  for (const auto& h : layout.hierarchies) {
    parents.push_back(
        {join_path(h.mount_point, h.own_path), h.mount_point, h.controllers, h.unified});
  }
  return CgroupSet(std::move(parents)).plan_child(name, [](const Dir&) { return true; });
}

Result<CgroupSet> CgroupSet::plan_child(const std::string& name,
                                        const std::function<bool(const Dir&)>& where) const {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return Error::msg("invalid cgroup name \"" + name + "\"");
  }
  std::vector<Dir> set;
  for (const auto& parent : dirs_) {
    if (where(parent)) {
      set.push_back(
          {join_path(parent.path, name), parent.mount_point, parent.controllers, parent.unified});
    } else {
      set.push_back(parent);
      set.back().inherited = true;
    }
  }
  return CgroupSet(std::move(set));
}

Status CgroupSet::make(const std::function<bool(const Dir&)>& which) const {
  for (const auto& d : dirs_) {
    if (d.inherited || !which(d)) continue;
    if (::mkdir(d.path.c_str(), 0755) < 0 && errno != EEXIST) {
      return Error::sys(errno, "creating cgroup " + d.path);
    }
    if (!d.unified && std::ranges::count(split(d.controllers, ','), "cpuset") > 0) {
      const std::string parent = d.path.substr(0, d.path.rfind('/'));
      for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        if (auto s = copy_cpuset_value(parent, d.path, file); !s) {
          return std::move(s).context("creating cgroup " + d.path);
        }
      }
    }
  }
  return ok();
}

namespace {

// A planned set, made whole or not at all (best effort: the error returned is the one that
// matters).
Result<CgroupSet> make_all(Result<CgroupSet> set) {
  if (!set) return set;
  if (auto s = set->make([](const CgroupSet::Dir&) { return true; }); !s) {
    (void)set->remove(false);
    return std::move(s).error();
  }
  return set;
}

}  // namespace

Result<CgroupSet> CgroupSet::create_below(const CgroupLayout& layout, const std::string& name) {
  return make_all(plan_below(layout, name));
}

Result<CgroupSet> CgroupSet::create_child(const std::string& name) const {
  return create_child(name, [](const Dir&) { return true; });
}

Result<CgroupSet> CgroupSet::create_child(const std::string& name,
                                          const std::function<bool(const Dir&)>& where) const {
  return make_all(plan_child(name, where));
}

Status CgroupSet::add_process(pid_t pid) const {
  for (const auto& d : dirs_) {
    if (auto s = write_text(join_path(d.path, "cgroup.procs"), std::to_string(pid)); !s) {
      return std::move(s).context("moving process " + std::to_string(pid) + " into cgroup");
    }
  }
  return ok();
}

Result<Fd> CgroupSet::open_unified() const {
  for (const auto& d : dirs_) {
    if (d.unified) return open_path(d.path, O_PATH | O_DIRECTORY);
  }
  return Fd();
}

Status CgroupSet::add_self_v1() const {
  for (const auto& d : dirs_) {
    if (d.unified) continue;
    if (auto s = write_text(join_path(d.path, "tasks"), "0"); !s) {
      return std::move(s).context("joining cgroup " + d.path);
    }
  }
  return ok();
}

Result<std::vector<Fd>> CgroupSet::open_v1_tasks() const {
  std::vector<Fd> tasks;
  for (const auto& d : dirs_) {
    if (d.unified) continue;
    auto fd = open_path(join_path(d.path, "tasks"), O_WRONLY);
    if (!fd) return std::move(fd).error().context("opening cgroup " + d.path);
    tasks.push_back(std::move(*fd));
  }
  return tasks;
}

Status join_through_tasks(const std::vector<int>& tasks) {
  for (int fd : tasks) {
    // The kernel takes "0" as the writing thread: the move that skips the global rwsem.
    if (::write(fd, "0", 1) != 1) return Error::sys(errno, "joining the app's cgroups");
  }
  return ok();
}

Result<bool> CgroupSet::restrict_devices(const std::vector<std::string_view>& allow) const {
  std::vector<DeviceRule> rules;
  for (std::string_view rule : allow) {
    auto r = parse_device_rule(rule);
    if (!r) return std::move(r).error();
    rules.push_back(*r);
  }
  bool done = false;
  const Dir* unified = nullptr;
  for (const auto& d : dirs_) {
    if (d.unified) unified = &d;
    if (d.unified || d.controllers.find("devices") == std::string::npos) continue;
    if (auto s = write_text(join_path(d.path, "devices.deny"), "a"); !s) {
      return std::move(s).error().context("denying devices in " + d.path);
    }
    // One open for every rule: the kernel takes each write() as one rule.
    const std::string allow_file = join_path(d.path, "devices.allow");
    auto fd = open_path(allow_file, O_WRONLY);
    if (!fd) return std::move(fd).error().context("allowing devices in " + d.path);
    for (std::string_view rule : allow) {
      if (::write(fd->get(), rule.data(), rule.size()) != static_cast<ssize_t>(rule.size())) {
        return Error::sys(errno, "allowing device " + std::string(rule) + " in " + allow_file);
      }
    }
    done = true;
  }
  // Without a v1 devices hierarchy (a v2-only host), device access is an eBPF program on the
  // unified cgroup. With one, the same list there would only be checked twice (the kernel runs
  // both), at the cost of a verifier run per pod.
  if (!done && unified != nullptr) {
    if (auto s = attach_device_filter(unified->path, rules); !s) {
      return std::move(s).error().context("restricting devices in " + unified->path);
    }
    done = true;
  }
  return done;
}

Status CgroupSet::remove_dirs(bool kill_stragglers, bool unified_too) const {
  Status first;
  // Every hierarchy is tried even when one fails, so that as much as possible is gone.
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    if (it->inherited || (it->unified && !unified_too)) continue;
    if (auto s = remove_cgroup_tree(it->path, kill_stragglers); !s && first) first = s;
  }
  return first;
}

Status CgroupSet::remove(bool kill_stragglers) const { return remove_dirs(kill_stragglers, true); }

Status CgroupSet::remove_v1() const { return remove_dirs(false, false); }

std::string CgroupSet::relative_path() const {
  if (dirs_.empty()) return "";
  const Dir* pick = &dirs_.front();
  for (const auto& d : dirs_) {
    if (d.unified) pick = &d;
  }
  for (const auto& d : dirs_) {
    if (d.controllers == "name=systemd") pick = &d;
  }
  auto rel = path_in_mount(pick->mount_point, pick->path);
  return rel ? *rel : pick->path;
}

Status remove_cgroup_tree(const std::string& dir, bool kill_stragglers) {
  // Most cgroups of a pod are empty leaves by now. Listing one means reading its dozens of
  // control files' entries, so the list is only read when a first rmdir says it is not one.
  if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return ok();
  if (errno != EBUSY && errno != ENOTEMPTY) return Error::sys(errno, "removing cgroup " + dir);
  {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) return ok();
      return Error::sys(errno, "opening cgroup " + dir);
    }
    std::vector<std::string> children;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (e->d_type == DT_DIR && n != "." && n != "..") children.push_back(n);
    }
    ::closedir(d);
    for (const auto& c : children) {
      if (auto s = remove_cgroup_tree(join_path(dir, c), kill_stragglers); !s) return s;
    }
  }
  // Processes that just exited linger until their parent reaps them; give them a moment
  // (up to 5 s) before calling the cgroup busy.
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return ok();
    if (errno != EBUSY || attempt >= 500) return Error::sys(errno, "removing cgroup " + dir);
    if (kill_stragglers) kill_processes(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool is_cgroup_dir(const std::string& path) {
  struct statfs st {};
  if (::statfs(path.c_str(), &st) < 0) return false;
  return st.f_type == CGROUP_SUPER_MAGIC || st.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace oslayer
