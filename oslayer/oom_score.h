// The calling process's OOM score adjustment (/proc/self/oom_score_adj), which its children and
// exec'd programs inherit.
#pragma once

#include "oslayer/result.h"

namespace oslayer {

// Writes `value` (-1000..1000). Lowering it below the lowest value a privileged process set
// needs CAP_SYS_RESOURCE: the kernel then says EACCES, which callers may treat as "not applied".
Status set_oom_score_adj(int value);
// The current value.
Result<int> read_oom_score_adj();

}  // namespace oslayer
