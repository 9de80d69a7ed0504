// A seccomp filter built with libseccomp behind an owned scmp_filter_ctx. The filter is built in
// memory first (and can be exported as BPF, which is how it is tested without root); load() is
// the one step that changes the process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

typedef void* scmp_filter_ctx;  // NOLINT: libseccomp's own spelling, kept out of this header

namespace oslayer {

struct SeccompAction {
  enum class Kind { kAllow, kErrno, kKillProcess };
  Kind kind = Kind::kAllow;
  int errno_value = 0;  // for kErrno

  static SeccompAction allow() { return {Kind::kAllow, 0}; }
  static SeccompAction fail_with(int err) { return {Kind::kErrno, err}; }
  static SeccompAction kill_process() { return {Kind::kKillProcess, 0}; }
  bool operator==(const SeccompAction&) const = default;
};

// One comparison on a syscall argument: the rule matches when (arg & mask) == value.
struct SeccompArgMaskedEq {
  unsigned arg = 0;
  uint64_t mask = 0;
  uint64_t value = 0;
};

// The syscall number of `name` on the native architecture; fails for a name libseccomp does not
// know.
Result<int> resolve_syscall(std::string_view name);

class SeccompFilter {
 public:
  // `default_action` applies to every call no rule names. The filter covers the native ABI and,
  // on x86_64, the i386 and x32 ABIs too: a denylist that forgot `int 0x80` would be no denylist.
  // Calls made through any other ABI kill the process.
  static Result<SeccompFilter> create(SeccompAction default_action);

  SeccompFilter(SeccompFilter&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  SeccompFilter& operator=(SeccompFilter&&) = delete;
  SeccompFilter(const SeccompFilter&) = delete;
  SeccompFilter& operator=(const SeccompFilter&) = delete;
  ~SeccompFilter();

  // Adds a rule for `syscall` (a name) on every ABI of the filter where it exists. With `args`,
  // the rule matches only when every comparison holds.
  Status add_rule(std::string_view syscall, SeccompAction action,
                  const std::vector<SeccompArgMaskedEq>& args = {});

  // The BPF program, as the kernel would get it.
  Result<std::string> export_bpf() const;
  // Installs the filter on the calling thread: export_bpf(), then load_seccomp_program().
  Status load();

 private:
  explicit SeccompFilter(scmp_filter_ctx ctx) : ctx_(ctx) {}
  scmp_filter_ctx ctx_;
};

// Installs a BPF program (as export_bpf() returns it) on the calling thread with seccomp(2).
// Never sets no_new_privs itself: the caller must have set it, or hold CAP_SYS_ADMIN.
Status load_seccomp_program(std::string_view bpf);

}  // namespace oslayer
