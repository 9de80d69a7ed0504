#include "stage2/seccomp_policy.h"

#include <linux/capability.h>
#include <sched.h>
#include <string.h>

#include <cerrno>
#include <set>
#include <variant>

#include "oslayer/seccomp_names.h"
#include "stage2/seccomp_allowlist.h"

namespace stage2 {

using oslayer::CapSet;
using oslayer::Error;
using oslayer::Result;
using oslayer::SeccompAction;
namespace og = oslayer::seccomp_groups;

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

// An allowlist (retain mode) lets the calls that Docker gates by capability through when the
// app keeps that capability; without it they meet the filter's default action.
void add_allowlist_rules(std::vector<SeccompRule>& rules, CapSet bounding) {
  const SeccompAction allow = SeccompAction::allow();
  for (std::string_view name : default_allowlist()) {
    rules.push_back(SeccompRule{std::string(name), allow, {}, true});
  }
  for (const auto& d : kDenied) {
    if (d.unless_cap != kAlways && bounding.has(d.unless_cap)) {
      rules.push_back(SeccompRule{d.syscall, allow, {}, true});
    }
  }
  if (bounding.has(CAP_SYS_CHROOT)) rules.push_back(SeccompRule{"chroot", allow, {}, true});
  if (bounding.has(CAP_SYS_ADMIN)) {
    rules.push_back(SeccompRule{"clone", allow, {}, false});
    rules.push_back(SeccompRule{"clone3", allow, {}, true});
  } else {
    uint64_t ns = 0;
    for (uint64_t flag : kCloneNamespaceFlags) ns |= flag;
    rules.push_back(SeccompRule{"clone", allow, {{0, ns, 0}}, false});
    // See add_default_rules: ENOSYS sends glibc back to clone, whose flags are visible.
    rules.push_back(SeccompRule{"clone3", SeccompAction::fail_with(ENOSYS), {}, true});
  }
  // Docker's values: the query (0xffffffff), PER_LINUX, PER_LINUX32, and both with UNAME26;
  // ADDR_NO_RANDOMIZE and friends stay out.
  for (uint64_t persona : {0x0ULL, 0x8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL}) {
    rules.push_back(SeccompRule{"personality", allow, {{0, 0xffffffffULL, persona}}, false});
  }
}

// Rules from several sources for one filter: the first source to name a call decides it (an
// explicitly named call beats a group's entry, which may be argument-filtered or conditional).
class RuleCollector {
 public:
  void add_source(std::vector<SeccompRule> rules) {
    std::set<std::string> names;
    for (auto& r : rules) {
      if (claimed_.count(r.syscall) != 0) continue;
      // A name given twice (without arguments to tell the rules apart) needs one rule.
      if (!names.insert(r.syscall).second && r.args.empty()) continue;
      rules_.push_back(std::move(r));
    }
    claimed_.insert(names.begin(), names.end());
  }
  std::vector<SeccompRule> take() { return std::move(rules_); }

 private:
  std::set<std::string> claimed_;
  std::vector<SeccompRule> rules_;
};

Result<SeccompAction> action_for(const std::string& errno_name, std::string_view isolator) {
  // spec/ace.md: without an errno a filtered call kills the process.
  if (errno_name.empty()) return SeccompAction::kill_process();
  auto e = oslayer::parse_errno_name(errno_name);
  if (!e) return std::move(e).error().context("isolator " + std::string(isolator));
  return SeccompAction::fail_with(*e);
}

// os/linux/seccomp-retain-set: an allowlist; everything else meets `deny`.
SeccompPolicy retain_policy(const appc::SeccompRetainSet& retain, SeccompAction deny,
                            CapSet bounding) {
  std::vector<SeccompRule> named;
  bool whitelist_group = false;
  for (const auto& name : retain.set) {
    // "@appc.io/all": every call, so no filter at all (bad ABIs still die, see SeccompFilter).
    if (name == og::kAppcAll) return SeccompPolicy{SeccompAction::allow(), {}};
    if (oslayer::is_default_whitelist_group(name)) {
      whitelist_group = true;
    } else if (!name.starts_with("@")) {  // "@appc.io/empty" adds nothing
      named.push_back(SeccompRule{name, SeccompAction::allow(), {}, false});
    }
  }
  RuleCollector c;
  c.add_source(std::move(named));
  std::vector<SeccompRule> lifecycle;
  for (std::string_view name : lifecycle_calls()) {
    lifecycle.push_back(SeccompRule{std::string(name), SeccompAction::allow(), {}, true});
  }
  c.add_source(std::move(lifecycle));
  if (whitelist_group) {
    std::vector<SeccompRule> group;
    add_allowlist_rules(group, bounding);
    c.add_source(std::move(group));
  }
  return SeccompPolicy{deny, c.take()};
}

// os/linux/seccomp-remove-set: a denylist; its calls (and the default list, for the denylist
// groups) meet `deny`.
SeccompPolicy remove_policy(const appc::SeccompRemoveSet& remove, SeccompAction deny,
                            CapSet bounding) {
  std::vector<SeccompRule> named;
  bool blacklist_group = false;
  for (const auto& name : remove.set) {
    if (oslayer::is_default_blacklist_group(name)) {
      blacklist_group = true;
    } else if (!name.starts_with("@")) {  // "@appc.io/empty" adds nothing
      named.push_back(SeccompRule{name, deny, {}, false});
    }
  }
  RuleCollector c;
  c.add_source(std::move(named));
  if (blacklist_group) {
    SeccompPolicy group{SeccompAction::allow(), {}};
    add_default_rules(group, bounding, deny);
    c.add_source(std::move(group.rules));
  }
  return SeccompPolicy{SeccompAction::allow(), c.take()};
}

}  // namespace

SeccompPolicy default_policy(CapSet bounding) {
  SeccompPolicy p{SeccompAction::allow(), {}};
  add_default_rules(p, bounding, SeccompAction::fail_with(EPERM));
  return p;
}

Result<int> parse_errno_name(std::string_view name) { return oslayer::parse_errno_name(name); }

Result<SeccompPolicy> policy_for(const std::vector<appc::Isolator>& isolators, CapSet bounding) {
  namespace n = appc::isolator_names;
  for (const auto& iso : isolators) {
    // stage0 checked the names before the pod existed; checked again here, since a pod manifest
    // may have been written by another tool.
    if (const auto* r = std::get_if<appc::SeccompRetainSet>(&iso.value)) {
      if (auto st = oslayer::check_seccomp_set(oslayer::SeccompMode::kRetain, r->set); !st) {
        return std::move(st).error().context("isolator " + std::string(n::kSeccompRetainSet));
      }
      auto deny = action_for(r->errno_name, n::kSeccompRetainSet);
      if (!deny) return std::move(deny).error();
      return retain_policy(*r, *deny, bounding);
    }
    if (const auto* r = std::get_if<appc::SeccompRemoveSet>(&iso.value)) {
      if (auto st = oslayer::check_seccomp_set(oslayer::SeccompMode::kRemove, r->set); !st) {
        return std::move(st).error().context("isolator " + std::string(n::kSeccompRemoveSet));
      }
      auto deny = action_for(r->errno_name, n::kSeccompRemoveSet);
      if (!deny) return std::move(deny).error();
      return remove_policy(*r, *deny, bounding);
    }
  }
  return default_policy(bounding);
}

Result<oslayer::SeccompFilter> build_filter(const SeccompPolicy& policy) {
  auto f = oslayer::SeccompFilter::create(policy.default_action);
  if (!f) return std::move(f).error();
  for (const auto& r : policy.rules) {
    if (r.optional && !oslayer::resolve_syscall(r.syscall)) continue;
    // libseccomp refuses a rule that repeats the default action (an allowlist's own errno for
    // clone3, say); such a rule changes nothing anyway.
    if (r.action == policy.default_action) continue;
    if (auto st = f->add_rule(r.syscall, r.action, r.args); !st) {
      return std::move(st).error().context("building the seccomp filter");
    }
  }
  return std::move(*f);
}

}  // namespace stage2
