#include "oslayer/credentials.h"

#include <grp.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace oslayer {
namespace {

std::vector<char*> to_c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  // execve takes char* const*, yet never writes through it.
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Status set_supplementary_groups(const std::vector<gid_t>& gids) {
  if (::setgroups(gids.size(), gids.empty() ? nullptr : gids.data()) != 0) {
    return Error::sys(errno, "setting the supplementary groups");
  }
  return ok();
}

Status set_all_gids(gid_t gid) {
  if (::setresgid(gid, gid, gid) != 0) {
    return Error::sys(errno, "setting the group id to " + std::to_string(gid));
  }
  return ok();
}

Status set_all_uids(uid_t uid) {
  if (::setresuid(uid, uid, uid) != 0) {
    return Error::sys(errno, "setting the user id to " + std::to_string(uid));
  }
  return ok();
}

Status set_keep_capabilities(bool keep) {
  if (::prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) != 0) {
    return Error::sys(errno, "setting PR_SET_KEEPCAPS");
  }
  return ok();
}

Status set_no_new_privileges() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Error::sys(errno, "setting no_new_privs");
  }
  return ok();
}

Result<bool> get_no_new_privileges() {
  int r = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (r < 0) return Error::sys(errno, "reading no_new_privs");
  return r == 1;
}

Status close_fds_from(int first) {
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) != 0) {
    return Error::sys(errno, "closing the fds from " + std::to_string(first));
  }
  return ok();
}

Status change_directory(const std::string& path) {
  if (::chdir(path.c_str()) != 0) return Error::sys(errno, "changing directory to " + path);
  return ok();
}

Error execute(const std::string& path, const std::vector<std::string>& argv,
              const std::vector<std::string>& envp) {
  auto a = to_c_strings(argv);
  auto e = to_c_strings(envp);
  ::execve(path.c_str(), a.data(), e.data());
  return Error::sys(errno, "exec " + path);
}

}  // namespace oslayer
