// Running a helper program (a CNI plugin) with its input on stdin, collecting stdout and stderr,
// under a deadline: one that hangs is killed, with everything it started (its process group).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace oslayer {

struct ProcessResult {
  int wait_status = 0;     // as waitpid(2) gives it
  bool timed_out = false;  // killed at the deadline
  std::string out, err;
};

struct ProcessSpec {
  std::string path;               // executed as is (no PATH search)
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // the whole environment, NAME=VALUE
  std::string_view input;         // written to stdin, which is then closed
  std::chrono::milliseconds timeout{60000};
  size_t output_limit = 1 << 20;  // stdout or stderr beyond this is an error
};

// Fails only when the program could not be run or its output was too large; a non-zero exit
// or a timeout is reported in the result.
[[nodiscard]] Result<ProcessResult> run_process(const ProcessSpec& spec);

}  // namespace oslayer
