// The process-wide steps a stage takes right before exec: user and group ids, supplementary
// groups, no_new_privs and the other prctl bits, closing inherited fds, and exec itself. Thin
// wrappers that capture errno at the call and say what was attempted.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oslayer/result.h"

namespace oslayer {

// setgroups(2). Needs CAP_SETGID.
Status set_supplementary_groups(const std::vector<gid_t>& gids);
// setresgid(2)/setresuid(2) with real, effective and saved ids all set to `id`, so that nothing
// can switch back.
Status set_all_gids(gid_t gid);
Status set_all_uids(uid_t uid);

// PR_SET_KEEPCAPS: whether the permitted set survives the switch away from uid 0 (the effective
// set is emptied regardless). The kernel resets it at execve.
Status set_keep_capabilities(bool keep);
// PR_SET_NO_NEW_PRIVS: execve can no longer grant privileges (setuid bits, file capabilities).
// One-way.
Status set_no_new_privileges();
Result<bool> get_no_new_privileges();

// Closes every fd >= `first` (close_range(2)); the fds below are kept.
Status close_fds_from(int first);

// chdir(2).
Status change_directory(const std::string& path);

// execve(2). Returns only on failure; Error::code() is execve's errno.
Error execute(const std::string& path, const std::vector<std::string>& argv,
              const std::vector<std::string>& envp);

}  // namespace oslayer
