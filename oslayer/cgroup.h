// Control groups on cgroup v1 ("legacy"), hybrid (v1 controllers plus a unified cgroup2 tree)
// and v2-only hosts. A pod's cgroup is made below the cgroup of the process that creates it, in
// every hierarchy that process belongs to, so Rocket never needs the hierarchy root and works
// from inside a systemd unit, a user slice or another container.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace oslayer {

enum class CgroupMode {
  kLegacy,   // v1 controllers only
  kHybrid,   // v1 controllers plus a cgroup2 tree without controllers
  kUnified,  // cgroup2 only
};

// One hierarchy the process is in: where it is mounted and where the process sits in it.
struct CgroupHierarchy {
  std::string mount_point;  // e.g. /sys/fs/cgroup/memory
  std::string controllers;  // "memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2
  std::string own_path;     // the process's cgroup, relative to the mount ("" = the mount root)
  bool unified = false;
  bool operator==(const CgroupHierarchy&) const = default;
};

struct CgroupLayout {
  CgroupMode mode = CgroupMode::kUnified;
  std::vector<CgroupHierarchy> hierarchies;
};

// The v1 controllers a pod gets a cgroup in: those a pod's limits, accounting, device list and
// stop need. The others (cpuset, blkio, net_cls, perf_event...) are left to the host, as systemd
// does for a unit that sets nothing in them: the pod stays in its caller's cgroup there. cpuset
// in particular costs every pod a kernel text patch on all CPUs (its static key flips when the
// first child cpuset appears and when the last goes).
inline constexpr std::string_view kPodControllers[] = {"cpu",     "cpuacct", "memory",      "pids",
                                                       "devices", "freezer", "name=systemd"};

// Pure: the layout from the text of /proc/self/mountinfo and /proc/self/cgroup.
Result<CgroupLayout> parse_cgroup_layout(std::string_view mountinfo, std::string_view proc_cgroup);

// What conventional_cgroup_layout asks of the filesystem (injected by unit tests).
struct CgroupProbe {
  std::function<long(const std::string&)> fs_type;  // statfs f_type; 0 when it fails
  std::function<bool(const std::string&)> is_dir;
};
CgroupProbe host_cgroup_probe();
// The layout where every hierarchy of `proc_cgroup` sits where systemd and every distribution
// mount it, without /proc/self/mountinfo (0.2 ms to read in a pod's mount namespace, whose
// overlays print every layer's path): the cgroup2 tree at /sys/fs/cgroup or
// /sys/fs/cgroup/unified, a v1 hierarchy at /sys/fs/cgroup/<controllers> (name=X at X), each
// taken only if that kind of cgroup filesystem is there and holds the process's own cgroup
// directory. The same hierarchies, in the same order, as parse_cgroup_layout; nullopt when
// anything is elsewhere (then mountinfo decides).
std::optional<CgroupLayout> conventional_cgroup_layout(std::string_view proc_cgroup,
                                                       const CgroupProbe& probe);
// The calling process's layout: conventional_cgroup_layout, else from both files.
Result<CgroupLayout> detect_cgroups();

// One cgroup, as a directory in each hierarchy. Not removed when dropped: a pod's cgroups must
// outlive the process that made them when it is killed, so removal is explicit (remove()).
class CgroupSet {
 public:
  // One hierarchy's directory of this cgroup.
  struct Dir {
    std::string path;         // absolute
    std::string mount_point;  // of its hierarchy
    std::string controllers;  // as in CgroupHierarchy
    bool unified = false;
    // The parent's own directory, kept where a child was not wanted (plan_child's `where`): not
    // this set's to make or remove.
    bool inherited = false;
  };

  CgroupSet() = default;
  explicit CgroupSet(std::vector<Dir> dirs) : dirs_(std::move(dirs)) {}

  // The set that create_below would make, without making anything: which directories, so that
  // they can be made in steps (make()) and named before they exist.
  static Result<CgroupSet> plan_below(const CgroupLayout& layout, const std::string& name);
  // Likewise for create_child: `name` below the directories `where` selects, this set's own
  // (inherited) directory for the others.
  Result<CgroupSet> plan_child(const std::string& name,
                               const std::function<bool(const Dir&)>& where) const;
  // mkdir of the set's own directories that `which` selects (an existing one is fine). In
  // cpuset, cpuset.cpus and cpuset.mems are copied from the parent, which v1 requires before a
  // process may join. On failure nothing is undone: remove() takes away what was made.
  Status make(const std::function<bool(const Dir&)>& which) const;

  // mkdir <mount>/<own path>/<name> in every hierarchy of `layout` (v1: only kPodControllers).
  // An existing directory is reused. In cpuset, cpuset.cpus and cpuset.mems are copied from the
  // parent, which v1 requires before a process may join.
  static Result<CgroupSet> create_below(const CgroupLayout& layout, const std::string& name);
  // A child cgroup `name` in every directory of this set.
  Result<CgroupSet> create_child(const std::string& name) const;
  // A child cgroup `name` in the directories `where` selects; for the others the new set keeps
  // this set's own directory (cgroup v1 lets processes live in an inner cgroup), so that a
  // cgroup is made only where something needs it.
  Result<CgroupSet> create_child(const std::string& name,
                                 const std::function<bool(const Dir&)>& where) const;
  // Moves `pid` (0: the caller) into this cgroup in every hierarchy, through cgroup.procs. That
  // takes the kernel's global cgroup_threadgroup_rwsem for writing, whose first writer after a
  // quiet spell waits for an RCU grace period (10 to 15 ms here): off the start-up path, a
  // process is created in its cgroup instead (open_unified, add_self_v1).
  Status add_process(pid_t pid) const;
  // The unified (cgroup2) directory of this set, opened O_PATH for clone_child/fork_child's
  // cgroup fd; an empty Fd when the set has none (a v1-only host).
  Result<Fd> open_unified() const;
  // Moves the calling process into this cgroup in every v1 hierarchy by writing 0 to `tasks`:
  // moving the calling thread alone is the one migration that does not take the global rwsem
  // above, and it moves the process only because the caller has no other thread (it must be
  // single-threaded: a process just forked is). The unified directory is left alone: the caller
  // was created in it.
  // (Another process's thread, written by its tid, takes that global rwsem all the same.)
  Status add_self_v1() const;
  // The `tasks` file of each v1 directory, opened for writing while the paths are in view: a
  // process that no longer sees them (after a pivot) joins through these (join_through_tasks).
  Result<std::vector<Fd>> open_v1_tasks() const;
  // Denies every device, then allows each rule ("c 1:3 rwm"): in the v1 devices controller
  // (devices.deny, devices.allow), or, on a host without one, in the unified tree (an eBPF
  // device program, device_filter.h). Children made afterwards inherit it. False when the set
  // has neither.
  Result<bool> restrict_devices(const std::vector<std::string_view>& allow) const;
  // Removes every directory of the set's own (not the inherited ones) bottom-up. With
  // kill_stragglers, processes still inside are sent SIGKILL (cgroup.kill on v2, each pid of
  // cgroup.procs on v1) and removal is retried until they are gone; without, a busy cgroup is an
  // error. Missing directories are fine (idempotent).
  Status remove(bool kill_stragglers) const;
  // remove(false) of the v1 directories alone: the unified one may still hold a process.
  Status remove_v1() const;

  const std::vector<Dir>& dirs() const { return dirs_; }
  // The cgroup relative to its hierarchy root, as rkt's `subcgroup` file holds it: taken from
  // name=systemd when there is one, else from the unified tree, else from the first hierarchy.
  std::string relative_path() const;

 private:
  Status remove_dirs(bool kill_stragglers, bool unified_too) const;

  std::vector<Dir> dirs_;
};

// add_self_v1's move through `tasks` files open_v1_tasks opened (in this process or another):
// writes 0 to each, so the calling single-threaded process joins every one of those cgroups.
Status join_through_tasks(const std::vector<int>& tasks);

// Removes the cgroup directory `dir` and everything below it, bottom-up (see remove()).
Status remove_cgroup_tree(const std::string& dir, bool kill_stragglers);
// True when `path` is on a cgroup or cgroup2 filesystem (gc checks a recorded path before
// removing anything there).
bool is_cgroup_dir(const std::string& path);

}  // namespace oslayer
