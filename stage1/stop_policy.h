// When a pod ends and with which exit code (stage1-interface.md): 0 when every app exited 0;
// otherwise the status of the first app that failed, after which the others are stopped. A stop
// request (SIGTERM/SIGINT to the pod) stops every app; the pod then reports the first non-zero
// status the apps gave (143 for an app that died of the SIGTERM). Pure bookkeeping.
#pragma once

#include <cstddef>
#include <vector>

namespace stage1 {

class PodOutcome {
 public:
  explicit PodOutcome(size_t apps) : exited_(apps, false) {}

  // App `app` ended with `exit_code`. True when the other apps must now be stopped (the first
  // failure, unless a stop is already under way).
  bool record_exit(size_t app, int exit_code);
  // A stop was requested from outside. True when it starts a stop (not already stopping).
  bool request_stop();

  bool stopping() const { return stopping_; }
  bool exited(size_t app) const { return exited_[app]; }
  bool all_exited() const;
  int exit_code() const { return exit_code_; }

 private:
  std::vector<bool> exited_;
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace stage1
