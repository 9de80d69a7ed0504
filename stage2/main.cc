// stage2: starts one app (or one of its event handlers) inside its prepared rootfs.
//
// Inputs: argv (--app=NAME [--event=pre-start|post-stop] [--disable-capabilities-restriction]
// [--disable-seccomp] [--debug] [--root-ready-fd=N] [--enter [-- CMD [ARGS...]]]), fd 3 = the
// JSON of the app's `app` section, "/" = the app's rootfs (stage1 has pivoted into it, or, for
// rkt enter, joined the app's mount namespace; with --root-ready-fd, once fd N says so). Runs as
// root with stage1's capabilities. With --enter, CMD (default /bin/sh) replaces the app's exec;
// every other step is the app's. Output: execs the app with its user, groups, environment, working
// directory, capabilities, no_new_privs and seccomp filter. On failure: one line on stderr and exit
// 254, or 127/126 when the exec itself fails (see Documentation/devel/stage2.md).
#include <unistd.h>

#include <cstdlib>
#include <variant>

#include "appc-spec/image_manifest.h"
#include "appc-spec/types.h"
#include "oslayer/capabilities.h"
#include "oslayer/credentials.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/process_join.h"
#include "oslayer/seccomp_filter.h"
#include "stage2/capability_plan.h"
#include "stage2/environment.h"
#include "stage2/exec_app.h"
#include "stage2/options.h"
#include "stage2/root_ready.h"
#include "stage2/rootfs_ids.h"
#include "stage2/seccomp_program.h"

namespace {

using oslayer::Error;
using oslayer::Result;

constexpr int kAppFd = 3;
constexpr int kExitFailure = 254;

[[noreturn]] void fail(const Error& e) {
  oslayer::log_error(e);
  std::_Exit(kExitFailure);
}

template <class T>
T must(Result<T> r, const std::string& app) {
  if (!r) fail(std::move(r).error().context("app " + app));
  return std::move(r).value();
}

void must(oslayer::Status st, const std::string& app) {
  if (!st) fail(std::move(st).error().context("app " + app));
}

Result<appc::App> read_app() {
  auto text = oslayer::read_all(kAppFd, appc::kMaxManifestSize);
  if (!text) return std::move(text).error().context("reading the app from fd 3");
  return appc::decode_app_json(*text);
}

bool wants_no_new_privileges(const appc::App& app) {
  for (const auto& iso : app.isolators) {
    if (const auto* n = std::get_if<appc::NoNewPrivileges>(&iso.value)) return n->value;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  oslayer::log_init("stage2", false);
  auto opts = stage2::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!opts) fail(opts.error());
  oslayer::log_set_debug(opts->debug);
  const std::string& name = opts->app;
  // rkt enter: this root process has joined a running pod whose apps may be hostile. Until the
  // exec below, none of them may ptrace it or open its /proc files (fds, memory, root); execve
  // makes the command dumpable again, with the app's own credentials by then.
  if (opts->enter) must(oslayer::set_dumpable(false), name);

  // 1. Take the app from fd 3, and decide the capabilities and build the seccomp filter while
  //    nothing has changed yet, so that a bad isolator fails before the process is
  //    half-transformed. The bounding set and the filter do not depend on the app's user.
  appc::App app = must(read_app(), name);
  std::vector<std::string> command;
  if (!opts->enter) command = must(stage2::select_command(app, opts->event), name);
  std::vector<std::string> envp = must(stage2::build_environment(name, app.environment), name);
  oslayer::ProcessCaps held = must(oslayer::get_process_caps(), name);
  const stage2::CapabilityPlan bounding =
      must(stage2::plan_capabilities(app.isolators, true, opts->disable_capabilities_restriction,
                                     held.permitted),
           name);
  std::optional<std::string> filter;  // the BPF program
  if (!opts->disable_seccomp) {
    filter = must(stage2::seccomp_program(app.isolators, bounding.bounding), name);
  }
  const bool nnp = wants_no_new_privileges(app);

  // 2. The first privilege steps, which leave what this process may do untouched:
  //    a. keep-caps, so the permitted set survives the switch to a non-root uid (the effective
  //       set is emptied by the kernel anyway) and can be set precisely in (e);
  must(oslayer::set_keep_capabilities(true), name);
  //    b. the bounding set, which limits only what a later execve grants: dropping from it needs
  //       CAP_SETPCAP, which (e) may remove.
  if (bounding.restrict_bounding) must(oslayer::restrict_bounding_set(bounding.bounding), name);

  //    c'. Started early (--root-ready-fd), with the default denylist and without no_new_privs:
  //    the filter goes in now, while stage1 is still pivoting, instead of in (c) below (the
  //    kernel's load costs 0.15 to 0.2 ms, which stage2 would otherwise add after the wait).
  //    None of the calls from here to the exec is on that list. A seccomp set the app chose
  //    keeps its place in (c): it may deny what stage2 does as root before then.
  const bool filter_early =
      filter && !nnp && opts->root_ready_fd && stage2::uses_default_policy(app.isolators);
  if (filter_early) must(oslayer::load_seccomp_program(*filter), name);

  // 3. Started early (--root-ready-fd), wait here until stage1 has pivoted this process into the
  //    app's root, joining the app's v1 cgroups on the way when stage1 passes them. Then close
  //    every other inherited fd: whatever stage1 (or its caller) leaked must not reach the app.
  //    Every fd stage2 opens from here on is O_CLOEXEC.
  if (opts->root_ready_fd) {
    stage2::RootSignal ready = must(stage2::wait_for_root(*opts->root_ready_fd), name);
    // stage1 said why already (or died, and /init says so).
    if (ready.abort_code) std::_Exit(*ready.abort_code);
    // The pivot moved our root, not our working directory: that is still in the pod's tree.
    must(oslayer::change_directory("/"), name);
    if (ready.stdin_null) must(oslayer::stdin_from_dev_null(), name);
  }
  must(oslayer::close_fds_from(kAppFd), name);

  // 4. Everything that reads the image happens now, as root: the user and groups are looked up
  //    in the app's own /etc files (not through NSS) before any privilege is given up.
  oslayer::Fd root = must(oslayer::open_dir(AT_FDCWD, "/"), name);
  if (opts->enter) {
    // "/" is the app's root, so the shell is looked up there and nowhere else.
    bool has_shell =
        oslayer::open_path(std::string(stage2::kDefaultEnterShell), O_PATH).has_value();
    command = must(stage2::enter_command(opts->command, has_shell), name);
  }
  stage2::IdSources ids = stage2::ids_beneath(root.get());
  uid_t uid = must(stage2::resolve_user(app.user, ids), name);
  gid_t gid = must(stage2::resolve_group(app.group, ids), name);
  std::vector<gid_t> groups(app.supplementary_gids.begin(), app.supplementary_gids.end());
  root.reset();
  // The same isolators as in (1), now with the user: what the app's process sets hold.
  stage2::CapabilityPlan caps =
      must(stage2::plan_capabilities(app.isolators, uid == 0,
                                     opts->disable_capabilities_restriction, held.permitted),
           name);

  // 5. The remaining privilege steps, in an order where each one still has what it needs:
  //    c. without no_new_privs, loading a filter needs CAP_SYS_ADMIN, still held here (runc does
  //       the same); none of the calls below is on the denylist;
  if (filter && !nnp && !filter_early) must(oslayer::load_seccomp_program(*filter), name);
  //    d. groups, then gid, then uid: after setresuid the effective set is empty and setgroups/
  //       setresgid would fail. Then chdir as the app's user, so a working directory the user
  //       cannot enter fails like it would for the app;
  must(oslayer::set_supplementary_groups(groups), name);
  must(oslayer::set_all_gids(gid), name);
  must(oslayer::set_all_uids(uid), name);
  must(oslayer::change_directory(app.working_directory.empty() ? "/" : app.working_directory),
       name);
  //    e. the final capability sets (within the permitted set kept by (a)), then ambient, which
  //       the kernel only accepts for capabilities already permitted and inheritable;
  must(oslayer::set_process_caps(caps.process), name);
  must(oslayer::set_ambient_set(caps.ambient), name);
  must(oslayer::set_keep_capabilities(false), name);
  //    f. no_new_privs when asked, and then the filter as the very last step before execve.
  if (nnp) {
    must(oslayer::set_no_new_privileges(), name);
    if (filter) must(oslayer::load_seccomp_program(*filter), name);
  }

  // 6. Exec. Only the exec itself has the shell's exit codes; everything above exited 254.
  Error e = stage2::exec_command(command, envp);
  oslayer::log_error(e.context("app " + name));
  return stage2::exit_code_for_exec_errno(e.code());
}
