#include "stage2/seccomp_policy.h"

#include <linux/capability.h>
#include <sched.h>
#include <string.h>

#include <cerrno>
#include <variant>

namespace stage2 {

using oslayer::CapSet;
using oslayer::Error;
using oslayer::Result;
using oslayer::SeccompAction;

namespace {

constexpr int kAlways = -1;

// A denied call, and the capability that makes Docker allow it anyway (kAlways: none does).
struct Denied {
  const char* syscall;
  int unless_cap;
};

// Docker's default profile (moby/profiles seccomp/default.json) lists what it allows; these are
// the calls it leaves out or grants only with a capability, plus rkt's default-blacklist extras.
// `personality` is missing on purpose: Docker allows a handful of values, which a denylist cannot
// express without also refusing the query value 0xffffffff that libc uses.
constexpr Denied kDenied[] = {
    // Kernel keyrings are not namespaced: one pod could read or fill another's keys.
    {"keyctl", kAlways},
    {"add_key", kAlways},
    {"request_key", kAlways},
    // Make kernel races easy to win, or expose a large, often-exploited surface.
    {"userfaultfd", kAlways},
    {"io_uring_setup", kAlways},
    {"io_uring_enter", kAlways},
    {"io_uring_register", kAlways},
    // Obsolete or unimplemented interfaces with no use in an app.
    {"uselib", kAlways},
    {"_sysctl", kAlways},
    {"ustat", kAlways},
    {"sysfs", kAlways},
    {"get_kernel_syms", kAlways},
    {"query_module", kAlways},
    {"create_module", kAlways},
    {"nfsservctl", kAlways},
    {"vm86", kAlways},
    {"vm86old", kAlways},
    // Undo the pod's mount and namespace isolation.
    {"mount", CAP_SYS_ADMIN},
    {"umount", CAP_SYS_ADMIN},
    {"umount2", CAP_SYS_ADMIN},
    {"pivot_root", CAP_SYS_ADMIN},
    {"unshare", CAP_SYS_ADMIN},
    {"setns", CAP_SYS_ADMIN},
    {"fsopen", CAP_SYS_ADMIN},
    {"fsconfig", CAP_SYS_ADMIN},
    {"fsmount", CAP_SYS_ADMIN},
    {"fspick", CAP_SYS_ADMIN},
    {"move_mount", CAP_SYS_ADMIN},
    {"open_tree", CAP_SYS_ADMIN},
    {"mount_setattr", CAP_SYS_ADMIN},
    {"quotactl", CAP_SYS_ADMIN},
    {"lookup_dcookie", CAP_SYS_ADMIN},
    {"fanotify_init", CAP_SYS_ADMIN},
    {"sethostname", CAP_SYS_ADMIN},
    {"setdomainname", CAP_SYS_ADMIN},
    {"swapon", CAP_SYS_ADMIN},
    {"swapoff", CAP_SYS_ADMIN},
    // Tracing: reach into other processes of the pod, or the kernel.
    {"bpf", CAP_SYS_ADMIN},
    {"perf_event_open", CAP_SYS_ADMIN},
    {"ptrace", CAP_SYS_PTRACE},
    {"process_vm_readv", CAP_SYS_PTRACE},
    {"process_vm_writev", CAP_SYS_PTRACE},
    {"kcmp", CAP_SYS_PTRACE},
    // Host-wide state: modules, reboot, clocks, accounting, kernel log, raw I/O, NUMA policy.
    {"init_module", CAP_SYS_MODULE},
    {"finit_module", CAP_SYS_MODULE},
    {"delete_module", CAP_SYS_MODULE},
    {"kexec_load", CAP_SYS_BOOT},
    {"kexec_file_load", CAP_SYS_BOOT},
    {"reboot", CAP_SYS_BOOT},
    {"settimeofday", CAP_SYS_TIME},
    {"clock_settime", CAP_SYS_TIME},
    {"clock_adjtime", CAP_SYS_TIME},
    {"stime", CAP_SYS_TIME},
    {"acct", CAP_SYS_PACCT},
    {"syslog", CAP_SYSLOG},
    {"iopl", CAP_SYS_RAWIO},
    {"ioperm", CAP_SYS_RAWIO},
    {"vhangup", CAP_SYS_TTY_CONFIG},
    {"open_by_handle_at", CAP_DAC_READ_SEARCH},
    {"name_to_handle_at", CAP_DAC_READ_SEARCH},
    {"mbind", CAP_SYS_NICE},
    {"set_mempolicy", CAP_SYS_NICE},
    {"get_mempolicy", CAP_SYS_NICE},
    {"move_pages", CAP_SYS_NICE},
    {"migrate_pages", CAP_SYS_NICE},
};

// The CLONE_NEW* flags Docker refuses in clone's flags without CAP_SYS_ADMIN (mask 0x7E020000).
constexpr uint64_t kCloneNamespaceFlags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                             CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                             CLONE_NEWNET};

void add_default_rules(SeccompPolicy& policy, CapSet bounding, SeccompAction deny) {
  for (const auto& d : kDenied) {
    if (d.unless_cap != kAlways && bounding.has(d.unless_cap)) continue;
    policy.rules.push_back(SeccompRule{d.syscall, deny, {}, true});
  }
  if (!bounding.has(CAP_SYS_ADMIN)) {
    // A denylist cannot test "any of these bits", so one rule per flag. clone's flags are the
    // first argument on x86 and most ABIs (s390 swaps the first two; not a target here).
    for (uint64_t flag : kCloneNamespaceFlags) {
      policy.rules.push_back(SeccompRule{"clone", deny, {{0, flag, flag}}, false});
    }
    // clone3 passes its flags in memory, where BPF cannot look: ENOSYS makes glibc fall back to
    // clone, whose flags the rules above can see (Docker does the same).
    policy.rules.push_back(SeccompRule{"clone3", SeccompAction::fail_with(ENOSYS), {}, true});
  }
}

bool is_default_group(std::string_view name) {
  return name == "@rkt/default-blacklist" || name == "@docker/default-blacklist";
}

}  // namespace

SeccompPolicy default_policy(CapSet bounding) {
  SeccompPolicy p{SeccompAction::allow(), {}};
  add_default_rules(p, bounding, SeccompAction::fail_with(EPERM));
  return p;
}

Result<int> parse_errno_name(std::string_view name) {
  // Aliases that share a number; strerrorname_np gives only the other spelling.
  if (name == "ENOTSUP") return ENOTSUP;
  if (name == "EWOULDBLOCK") return EWOULDBLOCK;
  if (name == "EDEADLOCK") return EDEADLOCK;
  for (int e = 1; e < 4096; ++e) {
    const char* n = ::strerrorname_np(e);
    if (n != nullptr && name == n) return e;
  }
  return Error::msg("unknown errno name \"" + std::string(name) + "\"");
}

Result<SeccompPolicy> policy_for(const std::vector<appc::Isolator>& isolators, CapSet bounding) {
  const appc::SeccompRemoveSet* remove = nullptr;
  for (const auto& iso : isolators) {
    if (std::holds_alternative<appc::SeccompRetainSet>(iso.value)) {
      return Error::msg("isolator os/linux/seccomp-retain-set is not supported yet");
    }
    if (const auto* r = std::get_if<appc::SeccompRemoveSet>(&iso.value)) remove = r;
  }
  if (remove == nullptr) return default_policy(bounding);

  // spec/ace.md: without an errno a filtered call kills the process.
  SeccompAction deny = SeccompAction::kill_process();
  if (!remove->errno_name.empty()) {
    auto e = parse_errno_name(remove->errno_name);
    if (!e) return std::move(e).error().context("isolator os/linux/seccomp-remove-set");
    deny = SeccompAction::fail_with(*e);
  }
  SeccompPolicy p{SeccompAction::allow(), {}};
  for (const auto& name : remove->set) {
    if (name == "@appc.io/empty") continue;
    if (is_default_group(name)) {
      add_default_rules(p, bounding, deny);
    } else if (name.starts_with("@")) {
      return Error::msg("isolator os/linux/seccomp-remove-set: unknown group \"" + name + "\"");
    } else {
      p.rules.push_back(SeccompRule{name, deny, {}, false});
    }
  }
  return p;
}

Result<oslayer::SeccompFilter> build_filter(const SeccompPolicy& policy) {
  auto f = oslayer::SeccompFilter::create(policy.default_action);
  if (!f) return std::move(f).error();
  for (const auto& r : policy.rules) {
    if (r.optional && !oslayer::resolve_syscall(r.syscall)) continue;
    if (auto st = f->add_rule(r.syscall, r.action, r.args); !st) {
      return std::move(st).error().context("building the seccomp filter");
    }
  }
  return std::move(*f);
}

}  // namespace stage2
