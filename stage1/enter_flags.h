// The enter entrypoint's command line (stage1-interface.md, "The enter entrypoint"), rkt's:
//   /enter --pid=PID --appname=APP [--debug] [-- CMD [ARGS...]]
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oslayer/result.h"

namespace stage1 {

struct EnterFlags {
  pid_t pid = 0;    // the pod's PID 1, as a host PID (the pod dir's `pid` file)
  std::string app;  // an AC Name
  bool debug = false;
  std::vector<std::string> command;  // empty: stage2's default shell
};

// `args` excludes argv[0]. Everything after "--" is the command.
oslayer::Result<EnterFlags> parse_enter_flags(const std::vector<std::string>& args);

}  // namespace stage1
