// The stage1 entrypoints (stage1-interface.md), each called by a thin main.cc. They run with
// the current directory = the pod dir, and return the process's exit code; errors are logged
// once, here, as one line (254).
#pragma once

#include <string>
#include <vector>

namespace stage1 {

// /init [--debug] --net=host [--interactive] [--local-config=DIR] [--hostname=NAME]
//       [--disable-capabilities-restriction] [--disable-paths] [--disable-seccomp] UUID
int run_pod(const std::vector<std::string>& args);
// /stop [--force] UUID
int stop_pod(const std::vector<std::string>& args);
// /gc [--debug] [--local-config=DIR] UUID
int gc_pod(const std::vector<std::string>& args);
// /enter --pid=PID --appname=APP [--debug] [-- CMD [ARGS...]]; exit code: CMD's.
int enter_pod(const std::vector<std::string>& args);

}  // namespace stage1
