#include "stage1/status_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/atomic_file.h"

namespace stage1 {

std::string encode_status(int exit_code) { return std::to_string(exit_code); }

oslayer::Status write_app_status(int status_dir, const std::string& app, int exit_code) {
  return oslayer::write_file_atomic(status_dir, app, encode_status(exit_code), 0644,
                                    oslayer::Durability::kVolatile)
      .context("recording the exit status of app " + app);
}

oslayer::Status write_oom_killed(int oom_dir, const std::string& app, uint64_t kills) {
  return oslayer::write_file_atomic(oom_dir, app, std::to_string(kills), 0644,
                                    oslayer::Durability::kVolatile)
      .context("recording that app " + app + " was killed by the OOM killer");
}

oslayer::Status mark_supervisor_ready(int rkt_dir) {
  const char* tmp = ".supervisor-status.tmp";
  (void)::unlinkat(rkt_dir, tmp, 0);  // a leftover of a crashed attempt, if any
  if (::symlinkat("ready", rkt_dir, tmp) < 0) {
    return oslayer::Error::sys(errno, "creating rkt/supervisor-status");
  }
  if (::renameat(rkt_dir, tmp, rkt_dir, "supervisor-status") < 0) {
    int err = errno;
    (void)::unlinkat(rkt_dir, tmp, 0);
    return oslayer::Error::sys(err, "creating rkt/supervisor-status");
  }
  return oslayer::ok();
}

}  // namespace stage1
