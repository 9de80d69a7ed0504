#include "oslayer/seccomp_filter.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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
  // A binary tree over the syscall numbers instead of a list: each call an app makes runs a few
  // comparisons rather than the whole denylist, and the kernel's load, which runs the program
  // for every syscall number to find those that are always allowed, costs 0.1 ms instead of
  // 0.4 ms here. Only the shape changes, so a libseccomp without it (before 2.5) is fine.
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); rc != 0 && rc != -EINVAL) {
    return seccomp_error(rc, "asking for a binary-tree seccomp program");
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
  auto bpf = export_bpf();
  if (!bpf) return std::move(bpf).error();
  return load_seccomp_program(*bpf);
}

Status load_seccomp_program(std::string_view bpf) {
  if (bpf.empty() || bpf.size() % sizeof(sock_filter) != 0 ||
      bpf.size() / sizeof(sock_filter) > BPF_MAXINSNS) {
    return Error::msg("loading the seccomp filter: not a BPF program (" +
                      std::to_string(bpf.size()) + " bytes)");
  }
  // The kernel only reads the program; the cast drops the const its struct does not have.
  sock_fprog prog{static_cast<unsigned short>(bpf.size() / sizeof(sock_filter)),
                  reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()))};
  // Flags 0, as libseccomp's own load with our attributes: no thread sync (stage2 has one
  // thread), no logging, the kernel's default speculation mitigation.
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
    return Error::sys(errno, "loading the seccomp filter");
  }
  return ok();
}

}  // namespace oslayer
