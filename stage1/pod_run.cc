// /init: the process stage0 execs and its caller (a shell, systemd) waits for. It stays in the
// host's PID namespace, makes the pod's cgroups, clones the pod's PID 1 (the supervisor) into
// new PID, UTS and IPC namespaces, forwards stop signals to it, and cleans up after it.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "oslayer/atomic_file.h"
#include "oslayer/cgroup.h"
#include "oslayer/fd.h"
#include "oslayer/idle_memory.h"
#include "oslayer/log.h"
#include "oslayer/loopback.h"
#include "oslayer/mount.h"
#include "oslayer/namespaces.h"
#include "oslayer/netns.h"
#include "oslayer/sd_notify.h"
#include "stage1/entrypoints.h"
#include "stage1/etc_files.h"
#include "stage1/pod_cgroups.h"
#include "stage1/pod_config.h"
#include "stage1/pod_network.h"
#include "stage1/supervisor.h"

namespace stage1 {
namespace {

// Pod runtime state dies with the machine: atomic for readers, without fsyncs.
constexpr auto kVolatile = oslayer::Durability::kVolatile;

using oslayer::Error;
using oslayer::Fd;
using oslayer::Result;
using oslayer::Status;

// The pod dir's lock fd (RKT_LOCK_FD): "locked" is what "running" means, so it must stay open
// for the pod's whole life. It is kept (in both stage1 processes) but not passed to any app.
Result<int> take_lock_fd() {
  const char* v = std::getenv("RKT_LOCK_FD");
  if (v == nullptr || *v == '\0') return Error::msg("RKT_LOCK_FD is not set");
  char* end = nullptr;
  long fd = std::strtol(v, &end, 10);
  if (*end != '\0' || fd < 0 || fd > 65535) return Error::msg("RKT_LOCK_FD is not a number");
  if (::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC) < 0) {
    return Error::sys(errno, "RKT_LOCK_FD " + std::string(v));
  }
  return static_cast<int>(fd);
}

// RKT_HOST_MNTNS_FD: stage0's mount namespace, where it pinned the pod's network namespace. We
// run in a private one, so only from there can the pin be removed when the pod ends.
Fd take_host_mount_ns() {
  const char* v = std::getenv("RKT_HOST_MNTNS_FD");
  if (v == nullptr || *v == '\0') return Fd();
  char* end = nullptr;
  long fd = std::strtol(v, &end, 10);
  if (*end != '\0' || fd < 3 || fd > 65535) return Fd();
  if (::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC) < 0) return Fd();
  return Fd(static_cast<int>(fd));
}

// `cgroups`: every hierarchy's directory, for /gc (the memory hierarchy may sit elsewhere than
// name=systemd, which rkt's `subcgroup` alone cannot say).
Status write_cgroups_file(const oslayer::CgroupSet& pod) {
  std::string dirs;
  for (const auto& d : pod.dirs()) dirs += d.path + "\n";
  return oslayer::write_file_atomic(AT_FDCWD, "cgroups", dirs, 0644, kVolatile);
}

// Every process of the pod can read PID 1's environment (/proc/1/environ), which the kernel
// shows from the memory the environment occupied at exec: wipe that memory so that none of the
// caller's variables leak into the pod (prctl(PR_SET_MM) could move it, but needs
// CAP_SYS_RESOURCE).
void wipe_environment() {
  if (environ == nullptr) return;
  for (char** e = environ; *e != nullptr; ++e) std::memset(*e, 0, std::strlen(*e));
  static char* empty[] = {nullptr};
  environ = empty;
}

// PID 1's /proc/<pid>/cmdline is readable by every app, and /init's argv names host paths (the
// data dir, --local-config). Its argv strings are one contiguous area starting at argv[0]
// (program_invocation_name): blank it, leaving "/init", the name of the entrypoint in the
// stage1 image. (PR_SET_MM would need CAP_SYS_RESOURCE.)
void hide_command_line() {
  auto cmdline = oslayer::read_file("/proc/self/cmdline", 1 << 20);
  if (!cmdline || cmdline->empty() || program_invocation_name == nullptr) return;
  constexpr char kName[] = "/init";
  std::memset(program_invocation_name, 0, cmdline->size());
  if (cmdline->size() >= sizeof kName) std::memcpy(program_invocation_name, kName, sizeof kName);
}

class PodRun {
 public:
  explicit PodRun(PodConfig config) : config_(std::move(config)) {}
  // Up to the released PID 1; on failure everything made so far is undone.
  Status start();
  // Forwards signals and readiness until PID 1 ends; returns the pod's exit code.
  int wait();
  // Removes the pod's cgroups (what PID 1's death left behind).
  void clean_up();

 private:
  void remove_cgroups();
  void detach_pod_mounts();
  // CNI networks: everything but --net=host and --net=none.
  bool private_networks() const {
    return config_.flags.net != "host" && config_.flags.net != "none";
  }
  Status join_networks();
  void leave_networks();

  PodConfig config_;
  Fd pod_dir_;
  Fd host_mount_ns_;
  std::string netns_path_;
  Fd netns_;
  bool networks_joined_ = false;
  PodCgroups cgroups_;
  bool cgroup_made_ = false;
  oslayer::Child pid1_;
  Fd ready_;
  Fd signals_;
  Fd cgroups_socket_;  // our end of pod_cgroups.h's socket: apps whose cgroups can go
  size_t apps_released_ = 0;
};

Status PodRun::join_networks() {
  auto path = read_netns_path(pod_dir_.get(), config_.flags.uuid);
  if (!path) return std::move(path).error();
  netns_path_ = *path;
  auto ns = oslayer::open_path(netns_path_, O_RDONLY);
  if (!ns) return std::move(ns).error().context("opening the pod's network namespace");
  netns_ = std::move(*ns);
  auto infos = join_pod_networks(pod_dir_.get(), config_.flags.uuid, netns_path_);
  if (!infos) return std::move(infos).error();
  networks_joined_ = true;
  // rkt's precedence: any --dns* flag wins over what the networks say.
  if (resolv_source(config_.runtime.dns) == ResolvSource::kImage) {
    if (auto dns = dns_from_networks(*infos)) config_.runtime.dns = std::move(dns);
  }
  return oslayer::ok();
}

void PodRun::leave_networks() {
  if (networks_joined_) {
    if (auto s = leave_pod_networks(pod_dir_.get(), config_.flags.uuid, netns_path_); !s) {
      oslayer::log_warning("leaving the pod's networks (rkt gc tries again): " + s.error().text());
      return;
    }
    networks_joined_ = false;
  }
  netns_.reset();
  if (netns_path_.empty() || !host_mount_ns_.valid()) return;
  // The last thing /init does: it leaves our mount namespace (and the current directory).
  if (auto s = oslayer::join_namespace(host_mount_ns_.get(), CLONE_NEWNS); !s) {
    oslayer::log_warning("the pod's network namespace stays pinned (rkt gc removes it): " +
                         s.error().text());
    return;
  }
  if (auto s = oslayer::remove_pinned_netns(netns_path_); !s) {
    oslayer::log_warning(s.error().text() + " (rkt gc tries again)");
    return;
  }
  (void)::unlinkat(pod_dir_.get(), "netns", 0);
}

Status PodRun::start() {
  auto dir = oslayer::open_path(".", O_RDONLY | O_DIRECTORY);
  if (!dir) return std::move(dir).error();
  pod_dir_ = std::move(*dir);
  host_mount_ns_ = take_host_mount_ns();
  if (private_networks()) {
    if (auto s = join_networks(); !s) return s;
  }
  auto layout = oslayer::detect_cgroups();
  if (!layout) return std::move(layout).error();
  auto cgroups = plan_pod_cgroups(*layout, config_);
  if (!cgroups) return std::move(cgroups).error();
  cgroups_ = std::move(*cgroups);
  for (size_t i = 0; i < cgroups_.apps.size(); ++i) {
    for (const auto& note : cgroups_.app_resources[i].bounded) {
      oslayer::log_warning("app " + cgroups_.app_names[i] + ": " + note);
    }
  }
  // Named before any is made: a gc after this process is killed finds whatever exists.
  if (auto s = write_cgroups_file(cgroups_.pod); !s) return s;
  cgroup_made_ = true;
  if (auto s = make_unified_cgroups(cgroups_); !s) return s;

  sigset_t set = supervisor_signals();
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return Error::sys(errno, "blocking signals");
  int sfd = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (sfd < 0) return Error::sys(errno, "creating a signalfd");
  signals_.reset(sfd);

  // `cg`, read by PID 1 and every app's child (pod_cgroups.h), is a socket pair rather than a
  // pipe: when PID 1 has already ended (a pod that failed to start), the byte's send must fail
  // with EPIPE instead of killing this process with SIGPIPE, and ignoring SIGPIPE here would
  // hand that disposition down to the apps.
  int ready[2], cg[2];
  if (::pipe2(ready, O_CLOEXEC) < 0 ||
      ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cg) < 0) {
    return Error::sys(errno, "creating pipes");
  }
  Fd ready_write(ready[1]), cg_read(cg[0]), cg_write(cg[1]);
  ready_.reset(ready[0]);

  // PID 1 inherits our stack and heap copy-on-write and keeps for the pod's life every page we
  // write afterwards: drop what start-up left behind first.
  oslayer::release_idle_memory();
  // --net=none: a network namespace of the pod's own with only a loopback interface.
  const bool own_net = config_.flags.net == "none";
  const int ns_flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (own_net ? CLONE_NEWNET : 0);
  // PID 1 is created in its unified cgroup (pod_cgroups.h), a way into a cgroup that does not
  // wait for a kernel grace period (CgroupSet::add_process); it joins no v1 one.
  auto unified = cgroups_.supervisor.open_unified();
  if (!unified) return std::move(unified).error();
  auto child = oslayer::clone_child(
      ns_flags,
      [&]() -> int {
        // The pod dies with /init. The parent may already be gone before this line: the
        // cgroups' socket then reads end-of-file (its write end died with it) before any stage2
        // goes on to its app, and the pod ends there (pod_cgroups.h).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        cg_write.reset();
        ready_.reset();
        signals_.reset();
        // Host handles: a pod's process that got hold of these could leave the pod through them.
        pod_dir_.reset();
        host_mount_ns_.reset();
        unified->reset();
        wipe_environment();
        hide_command_line();
        if (netns_.valid()) {
          if (auto s = oslayer::join_namespace(netns_.get(), CLONE_NEWNET); !s) {
            oslayer::log_error(
                std::move(s).error().context("entering the pod's network namespace"));
            return 254;
          }
          netns_.reset();
        }
        if (own_net || private_networks()) {
          if (auto s = oslayer::bring_up_loopback(); !s) {
            oslayer::log_error(std::move(s).error().context("setting up the pod's network"));
            return 254;
          }
        }
        return run_supervisor(config_, cgroups_, ready_write.release(), cg_read.get());
      },
      unified->get());
  if (!child) return std::move(child).error().context("starting the pod's PID 1");
  pid1_ = std::move(*child);
  ready_write.reset();
  cg_read.reset();
  // While PID 1 prepares the pod and the apps' launchers mount their filesystems: no stage2 goes
  // on to its app before the byte below, so an app never runs in a pod whose `pid` is not
  // written, nor in one whose /init died meanwhile (the socket then reads end-of-file). On
  // failure PID 1 goes first, with every child it made, so that the one error told is this one.
  // rkt's order: `subcgroup` (for outside readers; /gc uses `cgroups`) before `pid`.
  auto written = oslayer::write_file_atomic(AT_FDCWD, "subcgroup", cgroups_.pod.relative_path(),
                                            0644, kVolatile);
  if (written) {
    written =
        oslayer::write_file_atomic(AT_FDCWD, "pid", std::to_string(pid1_.pid()), 0644, kVolatile);
  }
  if (!written) {
    pid1_.kill_and_reap();
    return written;
  }
  auto finished = finish_pod_cgroups(cgroups_);
  if (!finished) {
    pid1_.kill_and_reap();
    return std::move(finished).error().context("making the pod's cgroups");
  }
  char b = 'C';
  if (::send(cg_write.get(), &b, 1, MSG_NOSIGNAL) != 1 && errno != EPIPE) {
    return Error::sys(errno, "releasing the pod's apps");
  }
  // EPIPE: PID 1 is gone already, and told why; wait() reaps it and returns its code.
  cgroups_socket_ = std::move(cg_write);
  return oslayer::ok();
}

int PodRun::wait() {
  oslayer::release_idle_memory();
  for (;;) {
    // A closed fd is -1, which poll skips.
    pollfd p[3] = {
        {signals_.get(), POLLIN, 0}, {ready_.get(), POLLIN, 0}, {cgroups_socket_.get(), POLLIN, 0}};
    int n = ::poll(p, 3, -1);
    if (n < 0 && errno != EINTR) {
      oslayer::log_error(Error::sys(errno, "waiting for the pod"));
      return 254;
    }
    if (n < 0) continue;
    if ((p[2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      auto app = read_released_app(cgroups_socket_.get());
      if (!app) {
        cgroups_socket_.reset();
      } else if (*app < cgroups_.apps.size()) {
        // A straggler keeps it busy: clean_up() kills it and tries again.
        (void)cgroups_.apps[*app].remove(false);
        if (++apps_released_ == cgroups_.apps.size()) {
          detach_pod_mounts();
          // PID 1 never joins them: only its unified directory is left for after it.
          (void)cgroups_.pod.remove_v1();
        }
      }
    }
    if (ready_.valid() && (p[1].revents & (POLLIN | POLLHUP)) != 0) {
      char b = 0;
      if (::read(ready_.get(), &b, 1) == 1) {
        if (auto s = oslayer::sd_notify("READY=1\nMAINPID=" + std::to_string(::getpid())); !s) {
          oslayer::log_warning(s.error().text());
        }
      }
      ready_.reset();
    }
    if ((p[0].revents & POLLIN) == 0) continue;
    signalfd_siginfo si{};
    if (::read(signals_.get(), &si, sizeof si) != static_cast<ssize_t>(sizeof si)) continue;
    if (si.ssi_signo != SIGCHLD) {
      // PID 1 of a PID namespace only receives signals it handles; the supervisor reads these.
      (void)::kill(pid1_.pid(), static_cast<int>(si.ssi_signo));
      continue;
    }
    int status = 0;
    pid_t r = ::waitpid(pid1_.pid(), &status, WNOHANG);
    if (r == pid1_.pid()) {
      pid1_.release();
      return oslayer::exit_code_of(status);
    }
  }
}

void PodRun::clean_up() {
  pid1_.kill_and_reap();
  remove_cgroups();
  if (private_networks()) leave_networks();
}

// Every app has ended and had its post-stop handler: PID 1 only exits now, and uses no file of
// stage1's tree on the way. Its mounts (stage1's overlay, and below it the apps' overlays and
// the bind of stage1/rkt) are detached here, while PID 1 exits, instead of with this process's
// mount namespace once it exits itself, which its caller waits for: 0.2 ms here. Best effort:
// the namespace takes whatever is left with it.
void PodRun::detach_pod_mounts() {
  auto root = oslayer::open_at(pod_dir_.get(), "stage1/rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW);
  if (!root) return;
  if (auto s = oslayer::detach_mount_tree(root->get()); !s) oslayer::log_debug(s.error().text());
}

void PodRun::remove_cgroups() {
  if (!cgroup_made_) return;
  // The PID namespace is gone with its PID 1, so nothing should be left; a straggler (a process
  // that escaped into the pod's cgroup from outside) is killed.
  // The leaves first: the pod's own directories are then empty, and go with one rmdir each.
  for (const auto& app : cgroups_.apps) (void)app.remove(true);
  (void)cgroups_.supervisor.remove(true);
  if (auto s = cgroups_.pod.remove(true); !s) {
    oslayer::log_warning("the pod's cgroups remain (rkt gc removes them): " + s.error().text());
    return;
  }
  // The files that named them must not send a later gc after cgroups that are gone.
  (void)::unlink("cgroups");
}

}  // namespace

int run_pod(const std::vector<std::string>& args) {
  oslayer::log_init("stage1", false);
  auto flags = parse_run_flags(args);
  if (!flags) {
    oslayer::log_error(std::move(flags).error().context("run"));
    return 254;
  }
  oslayer::log_set_debug(flags->debug);
  std::string uuid = flags->uuid;
  auto lock = take_lock_fd();
  if (!lock) {
    oslayer::log_error(std::move(lock).error().context("pod " + uuid));
    return 254;
  }
  auto config = load_pod_config(AT_FDCWD, std::move(*flags));
  if (!config) {
    oslayer::log_error(std::move(config).error().context("pod " + uuid));
    return 254;
  }
  PodRun run(std::move(*config));
  int code = 254;
  if (auto s = run.start(); !s) {
    oslayer::log_error(std::move(s).error().context("pod " + uuid));
  } else {
    code = run.wait();
  }
  run.clean_up();
  return code;
}

}  // namespace stage1
