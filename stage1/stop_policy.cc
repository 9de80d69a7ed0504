#include "stage1/stop_policy.h"

#include <algorithm>

namespace stage1 {

bool PodOutcome::record_exit(size_t app, int exit_code) {
  if (exited_[app]) return false;
  exited_[app] = true;
  if (exit_code == 0) return false;
  if (exit_code_ == 0) exit_code_ = exit_code;
  if (stopping_) return false;
  stopping_ = true;
  return !all_exited();
}

bool PodOutcome::request_stop() {
  if (stopping_) return false;
  stopping_ = true;
  return true;
}

bool PodOutcome::all_exited() const {
  return std::all_of(exited_.begin(), exited_.end(), [](bool e) { return e; });
}

}  // namespace stage1
