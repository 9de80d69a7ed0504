#include "stage1/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string_view>

#include "oslayer/atomic_file.h"
#include "oslayer/cgroup_limits.h"
#include "oslayer/idle_memory.h"
#include "oslayer/log.h"
#include "oslayer/namespaces.h"
#include "stage1/app_launch.h"
#include "stage1/etc_files.h"
#include "stage1/launch_record.h"
#include "stage1/pod_sysctls.h"
#include "stage1/status_files.h"
#include "stage1/stop_policy.h"

namespace stage1 {
namespace {

// Pod runtime state dies with the machine: atomic for readers, without fsyncs.
constexpr auto kVolatile = oslayer::Durability::kVolatile;

using oslayer::Error;
using oslayer::Fd;
using oslayer::Result;
using oslayer::Status;
using Clock = std::chrono::steady_clock;

struct RunningApp {
  AppLaunch launch;
  pid_t pid = -1;
  Fd mount_ns;
  bool has_post_stop = false;
};

bool has_event(const appc::App& app, appc::EventName e) {
  for (const auto& h : app.event_handlers) {
    if (h.name == e) return true;
  }
  return false;
}

class Supervisor {
 public:
  Supervisor(const PodConfig& config, const PodCgroups& cgroups, int cgroups_ready_fd)
      : config_(config),
        cgroups_(cgroups),
        cgroups_ready_fd_(cgroups_ready_fd),
        outcome_(config.manifest.apps.size()) {}

  Status prepare();
  // Starts the apps; false when one could not be started (the pod is then stopping).
  bool start_apps();
  Status mark_ready(int ready_fd);
  int supervise();

 private:
  Result<AppLaunch> plan_app(size_t i);
  void record_oom_kills(size_t i);
  void start_stop();
  void reap();
  void app_exited(size_t i, int code);
  void run_post_stop(RunningApp& app);
  void record_launch(const RunningApp& app);

  const PodConfig& config_;
  const PodCgroups& cgroups_;
  int cgroups_ready_fd_;
  PodOutcome outcome_;
  Fd rkt_dir_, status_dir_, stage2_;
  std::vector<RunningApp> apps_;
  std::optional<Clock::time_point> kill_at_;
  bool killed_ = false;
};

Status Supervisor::prepare() {
  if (auto s = oslayer::set_hostname(config_.hostname); !s) return s;
  auto rkt = oslayer::open_path("stage1/rootfs/rkt", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!rkt) return std::move(rkt).error().context("opening the stage1 rootfs");
  rkt_dir_ = std::move(*rkt);
  if (::mkdirat(rkt_dir_.get(), "status", 0755) < 0 && errno != EEXIST) {
    return Error::sys(errno, "creating rkt/status");
  }
  auto status = oslayer::open_at(rkt_dir_.get(), "status", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!status) return std::move(status).error();
  status_dir_ = std::move(*status);

  // Before the first app: each app sees them from its first instruction.
  if (auto s = set_pod_sysctls(config_.manifest.isolators, config_.flags.net); !s) {
    return std::move(s).context("setting the pod's sysctls");
  }
  auto stage2 = oslayer::open_path("stage1/rootfs/stage2", O_RDONLY);
  if (!stage2) return std::move(stage2).error().context("opening stage2");
  stage2_ = std::move(*stage2);

  // The pod's hosts and resolv.conf live in the stage1 rootfs and are bound into each app.
  if (auto s = oslayer::make_dirs(AT_FDCWD, "stage1/rootfs/etc", 0755); !s) return s;
  auto etc = oslayer::open_path("stage1/rootfs/etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!etc) return std::move(etc).error();
  if (auto s = oslayer::write_file_atomic(
          etc->get(), "rkt-hosts", render_hosts(config_.hostname, config_.runtime.hosts_entries),
          0644, kVolatile);
      !s) {
    return s;
  }
  if (resolv_source(config_.runtime.dns) == ResolvSource::kGenerated) {
    if (auto s =
            oslayer::write_file_atomic(etc->get(), "rkt-resolv.conf",
                                       render_resolv_conf(*config_.runtime.dns), 0644, kVolatile);
        !s) {
      return s;
    }
  }
  return oslayer::ok();
}

Result<AppLaunch> Supervisor::plan_app(size_t i) {
  const appc::RuntimeApp& app = config_.manifest.apps[i];
  const std::string& name = app.name.str();
  AppLaunch l;
  l.name = name;
  l.app_json = appc::encode_app_json(*app.app);
  l.rootfs = "stage1/rootfs/opt/stage2/" + name + "/rootfs";
  auto volumes = plan_volumes(config_.manifest, app);
  if (!volumes) return std::move(volumes).error();
  l.filesystems.volumes = std::move(*volumes);
  l.filesystems.disable_paths = config_.flags.disable_paths;
  l.filesystems.console_is_stdin = config_.interactive && ::isatty(STDIN_FILENO) == 1;
  // --hosts-entry=host: the host's own file, bound read-only as rkt did, so that the host's later
  // edits reach the pod.
  l.filesystems.hosts_file =
      config_.runtime.hosts_from_host ? "/etc/hosts" : "stage1/rootfs/etc/rkt-hosts";
  l.filesystems.resolv = resolv_source(config_.runtime.dns);
  l.filesystems.resolv_file = "stage1/rootfs/etc/rkt-resolv.conf";
  l.cgroup = cgroups_.apps[i];
  l.cgroups_ready_fd = cgroups_ready_fd_;
  l.oom_score_adj = cgroups_.app_resources[i].oom_score_adj;
  l.stage2_fd = stage2_.get();
  l.stage2_args.push_back("--app=" + name);
  if (config_.flags.debug) l.stage2_args.push_back("--debug");
  if (config_.flags.disable_capabilities) {
    l.stage2_args.push_back("--disable-capabilities-restriction");
  }
  if (config_.flags.disable_seccomp) l.stage2_args.push_back("--disable-seccomp");
  l.has_pre_start = has_event(*app.app, appc::EventName::kPreStart);
  l.interactive = config_.interactive;
  return l;
}

bool Supervisor::start_apps() {
  const auto& apps = config_.manifest.apps;
  for (size_t i = 0; i < apps.size(); ++i) {
    auto launch = plan_app(i);
    if (!launch) {
      oslayer::log_error(std::move(launch).error().context("starting app " + apps[i].name.str()));
      app_exited(i, 254);
      break;
    }
    int sv[2], pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
        ::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
      oslayer::log_error(Error::sys(errno, "starting app " + apps[i].name.str()));
      app_exited(i, 254);
      break;
    }
    Fd ours(sv[0]), theirs(sv[1]), launcher_end(pair[0]), app_end(pair[1]);
    // Both created in the app's unified cgroup; the app's process joins the v1 ones itself.
    auto unified = launch->cgroup.open_unified();
    if (!unified) {
      oslayer::log_error(std::move(unified).error().context("starting app " + apps[i].name.str()));
      app_exited(i, 254);
      break;
    }
    // The app's process first (app_launch.h): its way to stage2's exec is the longer one.
    auto app = oslayer::fork_child(
        [&] {
          ours.reset();
          unified->reset();
          launcher_end.reset();
          return run_app_process(*launch, app_end.get(), theirs.get());
        },
        unified->get());
    if (!app) {
      oslayer::log_error(std::move(app).error().context("starting app " + apps[i].name.str()));
      app_exited(i, 254);
      break;
    }
    app_end.reset();
    RunningApp running;
    running.pid = app->release();
    running.has_post_stop = has_event(*apps[i].app, appc::EventName::kPostStop);
    // Without its launcher the app's process reads end-of-file and exits 254, which the reaper
    // records as the app's status.
    auto launcher = oslayer::fork_child(
        [&] {
          ours.reset();
          unified->reset();
          return launch_app(*launch, launcher_end.get(), theirs.get());
        },
        unified->get());
    launcher_end.reset();
    theirs.reset();
    running.launch = std::move(*launch);
    if (!launcher) {
      oslayer::log_error(std::move(launcher).error().context("starting the launcher of app " +
                                                             apps[i].name.str()));
      apps_.push_back(std::move(running));
      break;
    }
    launcher->release();  // reaped as any other process
    LaunchReport report = read_launch_report(ours.get());
    running.mount_ns = std::move(report.mount_ns);
    apps_.push_back(std::move(running));
    if (!report.error.empty()) {
      // The child exits with the failure's code; the reaper records it and stops the others.
      oslayer::log_error(Error::msg(report.error).context("starting app " + apps[i].name.str()));
      break;
    }
    record_launch(apps_.back());
    oslayer::log_debug("started app " + apps[i].name.str());
  }
  // Apps never started have no status; for the outcome they are done.
  for (size_t i = apps_.size(); i < apps.size(); ++i) (void)outcome_.record_exit(i, 0);
  return apps_.size() == apps.size();
}

Status Supervisor::mark_ready(int ready_fd) {
  if (auto s = mark_supervisor_ready(rkt_dir_.get()); !s) return s;
  char b = 'R';
  // /init may be gone (then the whole pod is being killed anyway).
  (void)!::write(ready_fd, &b, 1);
  return oslayer::ok();
}

void Supervisor::start_stop() {
  for (size_t i = 0; i < apps_.size(); ++i) {
    if (!outcome_.exited(i)) (void)::kill(apps_[i].pid, SIGTERM);
  }
  kill_at_ = Clock::now() + config_.runtime.stop_timeout;
}

void Supervisor::run_post_stop(RunningApp& app) {
  if (!app.has_post_stop || !app.mount_ns.valid()) return;
  // In the app's cgroups, best effort: stage1 removes them only after the supervisor, but a
  // host's admin may have; the handler then runs in the pod's.
  auto unified = app.launch.cgroup.open_unified();
  auto child = oslayer::fork_child(
      [&] {
        if (unified) unified->reset();
        // Back into the app's mount namespace: "/" is the app's root again.
        if (auto s = oslayer::join_namespace(app.mount_ns.get(), CLONE_NEWNS); !s) {
          oslayer::log_error(s.error());
          return 254;
        }
        (void)app.launch.cgroup.add_self_v1();
        auto code = run_event_handler(app.launch, "post-stop");
        if (!code) {
          oslayer::log_error(code.error());
          return 254;
        }
        return *code;
      },
      unified ? unified->get() : -1);
  if (!child) {
    oslayer::log_error(std::move(child).error().context("post-stop of app " + app.launch.name));
    return;
  }
  auto st = child->wait();
  if (st && oslayer::exit_code_of(*st) != 0) {
    oslayer::log_warning("post-stop handler of app " + app.launch.name + " exited with " +
                         std::to_string(oslayer::exit_code_of(*st)));
  }
}

// Before the exit status, so that a reader who sees the status sees this too.
void Supervisor::record_oom_kills(size_t i) {
  if (i >= apps_.size()) return;
  auto kills = oslayer::read_oom_kills(apps_[i].launch.cgroup);
  if (!kills || *kills == 0) return;
  const auto& name = config_.manifest.apps[i].name.str();
  oslayer::log_warning("app " + name + ": the kernel's OOM killer killed " +
                       std::to_string(*kills) + " of its processes");
  // Made only now: a directory on disk is an inode to allocate, and most pods never need it.
  if (::mkdirat(rkt_dir_.get(), "oom-killed", 0755) < 0 && errno != EEXIST) {
    oslayer::log_error(Error::sys(errno, "creating rkt/oom-killed"));
    return;
  }
  auto oom = oslayer::open_at(rkt_dir_.get(), "oom-killed", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!oom) {
    oslayer::log_error(std::move(oom).error());
    return;
  }
  if (auto s = write_oom_killed(oom->get(), name, *kills); !s) oslayer::log_error(s.error());
}

// For rkt enter (launch_record.h). Without the record the app runs but cannot be entered, which
// is no reason to stop the pod.
void Supervisor::record_launch(const RunningApp& app) {
  LaunchRecord r{app.pid, app.launch.stage2_args, app.launch.app_json};
  if (auto s = write_launch_record(app.launch.name, r); !s) oslayer::log_warning(s.error().text());
}

void Supervisor::app_exited(size_t i, int code) {
  const auto& name = config_.manifest.apps[i].name.str();
  remove_launch_record(name);  // first: an app with a status is never entered
  record_oom_kills(i);
  // /init removes the app's cgroups while this process records the status, runs nothing else
  // (the post-stop handler joins them: it goes first) and tears the app's mounts down.
  const bool release_now = i < apps_.size() && !apps_[i].has_post_stop;
  if (release_now) release_app_cgroups(cgroups_ready_fd_, i);
  if (auto s = write_app_status(status_dir_.get(), name, code); !s) oslayer::log_error(s.error());
  oslayer::log_debug("app " + name + " exited with " + std::to_string(code));
  if (i < apps_.size()) {
    run_post_stop(apps_[i]);
    if (!release_now) release_app_cgroups(cgroups_ready_fd_, i);
    apps_[i].mount_ns.reset();
  }
  if (outcome_.record_exit(i, code)) start_stop();
}

void Supervisor::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (size_t i = 0; i < apps_.size(); ++i) {
      if (apps_[i].pid == pid && !outcome_.exited(i)) app_exited(i, oslayer::exit_code_of(status));
    }
  }
}

int Supervisor::supervise() {
  sigset_t set = supervisor_signals();
  int sfd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    oslayer::log_error(Error::sys(errno, "creating a signalfd"));
    return 254;
  }
  Fd signals(sfd);
  reap();
  while (!outcome_.all_exited()) {
    int timeout = -1;
    if (kill_at_ && !killed_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*kill_at_ - Clock::now());
      timeout = static_cast<int>(std::max<int64_t>(0, left.count()));
      if (timeout == 0) {
        // The stop timeout is over: every process of the pod but PID 1 itself.
        (void)::kill(-1, SIGKILL);
        killed_ = true;
        timeout = -1;
      }
    }
    pollfd p{signals.get(), POLLIN, 0};
    int n = ::poll(&p, 1, timeout);
    if (n < 0 && errno != EINTR) {
      oslayer::log_error(Error::sys(errno, "waiting for the pod's processes"));
      return 254;
    }
    signalfd_siginfo si{};
    while (::read(signals.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
      if (si.ssi_signo != SIGCHLD && outcome_.request_stop()) {
        oslayer::log_debug("stopping the pod on signal " + std::to_string(si.ssi_signo));
        start_stop();
      }
    }
    reap();
  }
  return outcome_.exit_code();
}

}  // namespace

sigset_t supervisor_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  return set;
}

int run_supervisor(const PodConfig& config, const PodCgroups& cgroups, int ready_fd,
                   int cgroups_ready_fd) {
  Supervisor sup(config, cgroups, cgroups_ready_fd);
  if (auto s = sup.prepare(); !s) {
    oslayer::log_error(std::move(s).error().context("preparing the pod"));
    return 254;
  }
  const bool started = sup.start_apps();
  // The apps' children waited for the same byte: once they run, this is off their way. Without
  // it /init failed, and is about to kill this process and tell why.
  if (!wait_for_pod_cgroups(cgroups_ready_fd)) return 254;
  if (started) {
    if (auto s = sup.mark_ready(ready_fd); !s) oslayer::log_error(s.error());
  }
  ::close(ready_fd);
  oslayer::release_idle_memory();
  return sup.supervise();
}

}  // namespace stage1
