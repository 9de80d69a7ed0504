// /stop [--force] UUID: asks the pod's PID 1 to stop (SIGTERM: graceful, the supervisor stops
// every app within the stop timeout) or kills it (SIGKILL: the PID namespace dies with it).
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage1/entrypoints.h"
#include "stage1/pod_config.h"

namespace stage1 {
namespace {

using oslayer::Error;

// The process in `pid` is still this pod's PID 1 (and not a recycled PID) when it sits in the
// pod's cgroup.
bool is_pod_process(pid_t pid, const std::string& uuid) {
  auto cg = oslayer::read_file("/proc/" + std::to_string(pid) + "/cgroup", 1 << 20);
  if (!cg) return false;
  // PID 1 sits in the pod cgroup itself in v1 hierarchies, in supervisor.scope below it in v2.
  const std::string name = "/rkt-" + uuid;
  for (size_t at = cg->find(name); at != std::string::npos; at = cg->find(name, at + 1)) {
    const size_t end = at + name.size();
    if (end == cg->size() || (*cg)[end] == '/' || (*cg)[end] == '\n') return true;
  }
  return false;
}

}  // namespace

int stop_pod(const std::vector<std::string>& args) {
  oslayer::log_init("stage1", false);
  bool force = false;
  std::string uuid;
  for (const auto& a : args) {
    if (a == "--force" || a == "--force=true") {
      force = true;
    } else if (a == "--force=false") {
      force = false;
    } else if (a.rfind("--", 0) != 0 && uuid.empty() && is_pod_uuid(a)) {
      uuid = a;
    } else {
      oslayer::log_error(Error::msg("stop: unexpected argument \"" + a + "\""));
      return 254;
    }
  }
  if (uuid.empty()) {
    oslayer::log_error(Error::msg("stop: expected the pod UUID"));
    return 254;
  }
  auto text = oslayer::read_file("pid", 64);
  if (!text) {
    if (text.error().code() == ENOENT) return 0;  // never started: nothing to stop
    oslayer::log_error(std::move(text).error().context("stopping pod " + uuid));
    return 254;
  }
  char* end = nullptr;
  long pid = std::strtol(text->c_str(), &end, 10);
  if (pid <= 1 || (*end != '\0' && *end != '\n')) {
    oslayer::log_error(
        Error::msg("stopping pod " + uuid + ": the pid file holds \"" + *text + "\""));
    return 254;
  }
  if (!is_pod_process(static_cast<pid_t>(pid), uuid)) return 0;  // already gone
  if (::kill(static_cast<pid_t>(pid), force ? SIGKILL : SIGTERM) < 0 && errno != ESRCH) {
    oslayer::log_error(Error::sys(errno, "stopping pod " + uuid));
    return 254;
  }
  return 0;
}

}  // namespace stage1
