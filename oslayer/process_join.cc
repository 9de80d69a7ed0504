#include "oslayer/process_join.h"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "oslayer/cgroup.h"

namespace oslayer {

Result<Fd> open_pidfd(pid_t pid) {
  // A pidfd is close-on-exec from birth.
  long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  if (fd < 0) return Error::sys(errno, "opening a pidfd for process " + std::to_string(pid));
  return Fd(static_cast<int>(fd));
}

Status join_namespaces_of(int pidfd, int flags) {
  if (::setns(pidfd, flags) < 0) return Error::sys(errno, "joining the namespaces of a process");
  return ok();
}

Result<pid_t> innermost_pid(std::string_view status) {
  constexpr std::string_view kKey = "\nNSpid:";
  size_t at = status.find(kKey);
  if (at == std::string_view::npos) return Error::msg("no NSpid line in the process status");
  std::string_view line = status.substr(at + kKey.size());
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  size_t start = line.find_last_of(" \t");
  std::string_view last = start == std::string_view::npos ? line : line.substr(start + 1);
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), pid);
  if (ec != std::errc() || end != last.data() + last.size() || pid <= 0) {
    return Error::msg("malformed NSpid line in the process status");
  }
  return pid;
}

Result<CgroupJoin> CgroupJoin::of_process(pid_t pid) {
  std::string what = "finding the cgroups of process " + std::to_string(pid);
  auto mountinfo = read_file("/proc/self/mountinfo", 16 << 20);
  if (!mountinfo) return std::move(mountinfo).error().context(what);
  auto cgroup = read_file("/proc/" + std::to_string(pid) + "/cgroup", 1 << 20);
  if (!cgroup) return std::move(cgroup).error().context(what);
  auto layout = parse_cgroup_layout(*mountinfo, *cgroup);
  if (!layout) return std::move(layout).error().context(what);
  CgroupJoin join;
  for (const auto& h : layout->hierarchies) {
    std::string dir = h.own_path.empty() ? h.mount_point : h.mount_point + "/" + h.own_path;
    auto procs = open_path(dir + "/cgroup.procs", O_WRONLY);
    if (!procs) return std::move(procs).error().context(what);
    join.procs_.push_back(std::move(*procs));
    join.paths_.push_back(std::move(dir));
  }
  return join;
}

Status CgroupJoin::add_process(pid_t pid) const {
  std::string text = std::to_string(pid);
  for (size_t i = 0; i < procs_.size(); ++i) {
    if (::write(procs_[i].get(), text.data(), text.size()) < 0) {
      return Error::sys(errno, "moving process " + text + " into cgroup " + paths_[i]);
    }
  }
  return ok();
}

Status set_dumpable(bool dumpable) {
  if (::prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0) < 0) {
    return Error::sys(errno, "setting the dumpable flag");
  }
  return ok();
}

}  // namespace oslayer
