#include "oslayer/seccomp_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

// libseccomp returns -errno; turn it into our error at the boundary.
Error seccomp_error(int rc, std::string what) { return Error::sys(-rc, std::move(what)); }

uint32_t to_scmp(SeccompAction a) {
  switch (a.kind) {
    case SeccompAction::Kind::kAllow:
      return SCMP_ACT_ALLOW;
    case SeccompAction::Kind::kErrno:
      return SCMP_ACT_ERRNO(static_cast<uint16_t>(a.errno_value));
    case SeccompAction::Kind::kKillProcess:
      return SCMP_ACT_KILL_PROCESS;
  }
  return SCMP_ACT_KILL_PROCESS;
}

}  // namespace

Result<int> resolve_syscall(std::string_view name) {
  std::string n(name);
  int nr = seccomp_syscall_resolve_name(n.c_str());
  if (nr == __NR_SCMP_ERROR) return Error::msg("unknown system call \"" + n + "\"");
  return nr;
}

Result<SeccompFilter> SeccompFilter::create(SeccompAction default_action) {
  scmp_filter_ctx ctx = seccomp_init(to_scmp(default_action));
  if (ctx == nullptr) return Error::msg("creating a seccomp filter: libseccomp failed");
  SeccompFilter f(ctx);
  // Calls through an ABI the filter does not list hit the "bad arch" action, KILL by default.
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) {
    return seccomp_error(rc, "setting the seccomp bad-arch action");
  }
  // libseccomp would set no_new_privs itself on load; whether to set it is the caller's decision
  // (an isolator), so load() needs no_new_privs set before, or CAP_SYS_ADMIN.
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); rc != 0) {
    return seccomp_error(rc, "clearing libseccomp's no_new_privs attribute");
  }
  if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
    for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
      if (int rc = seccomp_arch_add(ctx, arch); rc != 0 && rc != -EEXIST) {
        return seccomp_error(rc, "adding a compat ABI to the seccomp filter");
      }
    }
  }
  return f;
}

SeccompFilter::~SeccompFilter() {
  if (ctx_ != nullptr) seccomp_release(ctx_);
}

Status SeccompFilter::add_rule(std::string_view syscall, SeccompAction action,
                               const std::vector<SeccompArgMaskedEq>& args) {
  auto nr = resolve_syscall(syscall);
  if (!nr) return std::move(nr).error();
  std::vector<scmp_arg_cmp> cmps;
  for (const auto& a : args) {
    cmps.push_back(scmp_arg_cmp{a.arg, SCMP_CMP_MASKED_EQ, a.mask, a.value});
  }
  // seccomp_rule_add (not _exact): libseccomp translates the rule for each ABI of the filter and
  // skips an ABI where the call does not exist.
  int rc = seccomp_rule_add_array(ctx_, to_scmp(action), *nr, static_cast<unsigned>(cmps.size()),
                                  cmps.empty() ? nullptr : cmps.data());
  if (rc != 0) return seccomp_error(rc, "adding a seccomp rule for " + std::string(syscall));
  return ok();
}

Result<std::string> SeccompFilter::export_bpf() const {
  int raw = ::memfd_create("seccomp-bpf", MFD_CLOEXEC);
  if (raw < 0) return Error::sys(errno, "creating a memfd for the seccomp program");
  Fd fd(raw);
  if (int rc = seccomp_export_bpf(ctx_, fd.get()); rc != 0) {
    return seccomp_error(rc, "exporting the seccomp program");
  }
  if (::lseek(fd.get(), 0, SEEK_SET) < 0) return Error::sys(errno, "rewinding the memfd");
  return read_all(fd.get(), 1 << 20).context("reading the seccomp program");
}

Status SeccompFilter::load() {
  if (int rc = seccomp_load(ctx_); rc != 0) return seccomp_error(rc, "loading the seccomp filter");
  return ok();
}

}  // namespace oslayer
