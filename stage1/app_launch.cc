#include "stage1/app_launch.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <variant>

#include "oslayer/fd_passing.h"
#include "oslayer/log.h"
#include "oslayer/mount.h"
#include "oslayer/namespaces.h"
#include "oslayer/oom_score.h"
#include "stage1/pod_cgroups.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Fd;
using oslayer::Result;
using oslayer::Status;

// If the supervisor is gone there is nobody left to tell.
void send_message(int report, const std::string& text, int fd_to_pass) {
  (void)oslayer::send_with_fds(report, text,
                               fd_to_pass >= 0 ? std::vector<int>{fd_to_pass} : std::vector<int>{});
}

// The supervisor blocks the signals it reads through a signalfd; what runs the app and its
// pre-start handler gets a clean slate.
void unblock_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Moves `fd` to a number >= 10, so that placing fd 3 for stage2 cannot clobber it.
Result<Fd> lift(int fd) {
  int n = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (n < 0) return Error::sys(errno, "duplicating a descriptor");
  return Fd(n);
}

// In a child about to exec stage2: fd 3 = the App JSON, from its start; with `root_ready` >= 0,
// fd 4 = the socket on which stage2 waits for its root (stage2/root_ready.h).
[[noreturn]] void exec_stage2(int stage2, int app_json, std::vector<std::string> args, int report,
                              int root_ready = -1) {
  std::string err;
  // dup2 onto itself would leave the descriptor close-on-exec.
  const bool placed = app_json == 3 ? ::fcntl(3, F_SETFD, 0) == 0 : ::dup2(app_json, 3) >= 0;
  if (!placed || ::lseek(3, 0, SEEK_SET) < 0) {
    err = std::string("placing the app manifest on fd 3: ") + std::strerror(errno);
  } else if (root_ready >= 0 && ::dup2(root_ready, 4) < 0) {
    err = std::string("placing stage2's root-ready socket on fd 4: ") + std::strerror(errno);
  } else {
    if (root_ready >= 0) args.push_back("--root-ready-fd=4");
    std::vector<char*> argv;
    static char arg0[] = "stage2";
    argv.push_back(arg0);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Nothing of stage1's environment reaches the app: stage2 builds the app's own.
    char* envp[] = {nullptr};
    ::fexecve(stage2, argv.data(), envp);
    err = std::string("executing stage2: ") + std::strerror(errno);
  }
  if (report >= 0) {
    send_message(report, "e" + err, -1);
  } else {
    err = "stage1: " + err + "\n";
    (void)!::write(STDERR_FILENO, err.data(), err.size());
  }
  ::_exit(254);
}

// The app's OOM score. Without CAP_SYS_RESOURCE the kernel refuses to lower it below what
// stage1 itself has (EACCES); as for a resource limit that cannot be raised, the app still runs
// and the user is told.
Status apply_oom_score_adj(const AppLaunch& l, bool warn) {
  if (!l.oom_score_adj) return oslayer::ok();
  auto s = oslayer::set_oom_score_adj(*l.oom_score_adj);
  if (s || (s.error().code() != EACCES && s.error().code() != EPERM)) return s;
  if (!warn) return oslayer::ok();
  auto now = oslayer::read_oom_score_adj();
  oslayer::log_warning("app " + l.name + ": os/linux/oom-score-adj " +
                       std::to_string(*l.oom_score_adj) +
                       " not applied (lowering it needs CAP_SYS_RESOURCE); it stays " +
                       (now ? std::to_string(*now) : std::string("unchanged")));
  return oslayer::ok();
}

// Waits for /init's cgroups and joins the app's v1 ones, by their paths under /sys/fs/cgroup,
// which the pivot leaves behind.
Status join_app_v1_cgroups(const AppLaunch& l) {
  if (auto s = wait_for_pod_cgroups(l.cgroups_ready_fd); !s) return s;
  return l.cgroup.add_self_v1();
}

// stage2 is executed before /init may have made the pod's v1 cgroups, and their paths go with
// the pivot: it joins them through their `tasks` files, opened here and passed over `app`
// (stage2's root-ready socket; it takes them as soon as it waits there, before the go). False:
// stage2 is gone, and told why.
Result<bool> pass_app_v1_cgroups(const AppLaunch& l, int app) {
  if (auto s = wait_for_pod_cgroups(l.cgroups_ready_fd); !s) return std::move(s).error();
  auto tasks = l.cgroup.open_v1_tasks();
  if (!tasks) return std::move(tasks).error();
  if (tasks->empty()) return true;  // a v2-only host: stage2 was created in its cgroup
  std::vector<int> fds;
  for (const auto& t : *tasks) fds.push_back(t.get());
  if (oslayer::send_with_fds(app, "c", fds)) return true;
  if (errno == E2BIG) return Error::msg("the app has more v1 cgroups than stage2 joins");
  return false;
}

// The app's own mount namespace, a slave of the pod's: nothing made in it propagates back, and
// it goes away with the app's last process. The supervisor gets a handle on it (post-stop), and
// so does the app's process, which joins it.
Status enter_app_namespace(int report, int app) {
  if (auto s = oslayer::unshare_namespaces(CLONE_NEWNS); !s) return s;
  if (auto s = oslayer::set_propagation("/", oslayer::Propagation::kSlave, true); !s) return s;
  // /proc is still the host's here, and /proc/self this very process.
  auto ns = oslayer::open_path("/proc/self/ns/mnt", O_RDONLY);
  if (!ns) return std::move(ns).error();
  send_message(app, "m", ns->get());
  send_message(report, "n", ns->get());
  return oslayer::ok();
}

// One message of a SOCK_SEQPACKET socket into `buf`, and the fd it carries, if any, into `fd`.
// Returns recvmsg's count: 0 at end of file, -1 on error.
ssize_t receive_message(int sock, char* buf, size_t size, Fd& fd) {
  auto m = oslayer::receive_with_fds(sock, buf, size);
  if (m.size > 0 && !m.fds.empty()) fd = std::move(m.fds.back());
  return m.size;
}

// What the app's process gets from its launcher first: the app's mount namespace ("m" and its
// fd) or, when the launcher failed before it made one, "x" and the exit code to end with (the
// message stage2 would get later, stage2/root_ready.h). Returns the fd, or the code.
std::variant<Fd, int> receive_app_namespace(int launcher) {
  char buf[8];
  Fd ns;
  ssize_t n = receive_message(launcher, buf, sizeof buf, ns);
  if (n == 1 && buf[0] == 'm' && ns.valid()) return ns;
  if (n == 2 && buf[0] == 'x') return static_cast<unsigned char>(buf[1]);
  // The launcher died without a word: PID 1 reaps it and ends the pod.
  return 254;
}

// Mounts the app's filesystems, passes stage2 the app's v1 cgroups, and pivots into the root
// once the app's process (`app`, which moves along) has joined this mount namespace. Returns
// false, with nothing said, when the app's process ended first: it told why.
Result<bool> prepare_app_root(const AppLaunch& l, int app) {
  // pivot_root needs the new root to be a mount point: bind the rootfs onto itself, then work
  // in that new mount only.
  {
    auto dir = oslayer::open_path(l.rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    if (!dir) return std::move(dir).error().context("opening the app's rootfs");
    auto self = oslayer::clone_mount(dir->get(), true);
    if (!self) return std::move(self).error().context("binding the app's rootfs");
    if (auto s = oslayer::attach_mount(self->get(), dir->get()); !s) {
      return std::move(s).context("binding the app's rootfs");
    }
  }
  auto root = oslayer::open_path(l.rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW);
  if (!root) return std::move(root).error().context("opening the app's rootfs");
  // Usually /init is done by now: stage2 can then join while these mounts go on. Otherwise they
  // go first, and the cgroups after them.
  const bool passed_early = pod_cgroups_made(l.cgroups_ready_fd);
  if (passed_early) {
    auto passed = pass_app_v1_cgroups(l, app);
    if (!passed || !*passed) return passed;
  }
  if (auto s = mount_app_filesystems(root->get(), l.filesystems); !s) return std::move(s).error();
  if (l.has_pre_start) {
    // The handler runs as this process's child: in the app's cgroups too.
    if (auto s = join_app_v1_cgroups(l); !s) return std::move(s).error();
  }
  if (!passed_early) {
    auto passed = pass_app_v1_cgroups(l, app);
    if (!passed || !*passed) return passed;
  }
  char joined = 0;
  ssize_t n;
  while ((n = ::recv(app, &joined, 1, 0)) < 0 && errno == EINTR) {
  }
  if (n != 1 || joined != 'j') return false;
  if (auto s = oslayer::pivot_into(root->get()); !s) return std::move(s).error();
  return true;
}

}  // namespace

Result<Fd> make_memfd(const std::string& name, const std::string& text) {
  int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return Error::sys(errno, "creating a memfd");
  Fd m(fd);
  if (auto s = oslayer::write_all(fd, text); !s) return std::move(s).error();
  if (::lseek(fd, 0, SEEK_SET) < 0) return Error::sys(errno, "rewinding a memfd");
  return m;
}

Result<int> run_event_handler(const AppLaunch& l, const std::string& event) {
  auto json = make_memfd("app-manifest", l.app_json);
  if (!json) return std::move(json).error();
  auto stage2 = lift(l.stage2_fd);
  if (!stage2) return std::move(stage2).error();
  auto args = l.stage2_args;
  args.push_back("--event=" + event);
  auto child = oslayer::fork_child([&] {
    exec_stage2(stage2->get(), json->get(), args, -1);
    return 254;
  });
  if (!child) return std::move(child).error();
  auto status = child->wait();
  if (!status) return std::move(status).error();
  return oslayer::exit_code_of(*status);
}

int run_app_process(const AppLaunch& l, int launcher_fd, int report) {
  auto fail = [&](const Error& e) {
    send_message(report, "e" + e.text(), -1);
    return 254;
  };
  unblock_signals();
  // A session of its own: the app cannot push input into the caller's terminal (TIOCSTI)
  // unless it is interactive, when the terminal becomes its controlling terminal.
  if (::setsid() < 0) return fail(Error::sys(errno, "creating a session"));
  if (l.interactive && ::isatty(STDIN_FILENO) == 1) {
    // Best effort: the terminal may be the controlling one of the caller's session, which
    // only a steal (argument 1) could take; the app then runs without one.
    (void)::ioctl(STDIN_FILENO, TIOCSCTTY, 0);
  }
  if (auto s = apply_oom_score_adj(l, true); !s) return fail(s.error());
  // Above fd 4, where exec_stage2 places the App JSON and this socket for stage2.
  auto stage2 = lift(l.stage2_fd);
  if (!stage2) return fail(stage2.error());
  auto launcher = lift(launcher_fd);
  if (!launcher) return fail(launcher.error());
  auto json = make_memfd("app-manifest", l.app_json);
  if (!json) return fail(json.error());
  auto ns = receive_app_namespace(launcher->get());
  if (const int* code = std::get_if<int>(&ns)) return *code;
  if (auto s = oslayer::join_namespace(std::get<Fd>(ns).get(), CLONE_NEWNS); !s) {
    return fail(std::move(s).error().context("joining the app's mount namespace"));
  }
  std::get<Fd>(ns).reset();
  const char joined = 'j';
  // The launcher gone: it has told the supervisor why.
  if (::send(launcher->get(), &joined, 1, MSG_NOSIGNAL) != 1) return 254;
  exec_stage2(stage2->get(), json->get(), l.stage2_args, report, launcher->get());
}

int launch_app(const AppLaunch& l, int app, int report) {
  auto fail = [&](const Error& e) {
    send_message(report, "e" + e.text(), -1);
    return 254;
  };
  // The app's process is the app: it exits with the code it is told.
  auto stop = [&](int code) {
    const char msg[2] = {'x', static_cast<char>(code)};
    (void)::send(app, msg, sizeof msg, MSG_NOSIGNAL);
    return code;
  };
  unblock_signals();
  // A session without a terminal: the pre-start handler, run from here, cannot push input into
  // the caller's (TIOCSTI). The app's process makes its own.
  if (::setsid() < 0) return stop(fail(Error::sys(errno, "creating a session")));
  auto stage2 = lift(l.stage2_fd);
  if (!stage2) return stop(fail(stage2.error()));
  // For the pre-start handler; the app's process has set (and warned about) its own.
  if (auto s = apply_oom_score_adj(l, false); !s) return stop(fail(s.error()));
  if (auto s = enter_app_namespace(report, app); !s) return stop(fail(s.error()));
  auto ready = prepare_app_root(l, app);
  if (!ready) {
    fail(ready.error());
    return stop(254);
  }
  if (!*ready) return 254;
  // A pod that is not interactive reads nothing from the caller's terminal: nor does its
  // pre-start handler (stage2 does the same for the app, told by the 'n' below).
  if (!l.interactive && l.has_pre_start) {
    if (auto s = oslayer::stdin_from_dev_null(); !s) {
      fail(s.error());
      return stop(254);
    }
  }
  if (l.has_pre_start) {
    AppLaunch handler = l;
    handler.stage2_fd = stage2->get();
    auto code = run_event_handler(handler, "pre-start");
    if (!code) {
      fail(std::move(code).error().context("running the pre-start handler"));
      return stop(254);
    }
    if (*code != 0) {
      fail(Error::msg("the pre-start handler exited with " + std::to_string(*code)));
      return stop(*code);
    }
  }
  const char go = l.interactive ? 'g' : 'n';
  // Refused: the app's process is gone, and told why.
  (void)::send(app, &go, 1, MSG_NOSIGNAL);
  return 0;
}

LaunchReport read_launch_report(int report) {
  LaunchReport r;
  for (;;) {
    char buf[4096];
    Fd fd;
    ssize_t n = receive_message(report, buf, sizeof buf, fd);
    // End of file: the launcher is done and stage2 was executed (or they died).
    if (n <= 0) return r;
    if (fd.valid()) r.mount_ns = std::move(fd);
    if (n > 1 && buf[0] == 'e') {
      r.error.assign(buf + 1, static_cast<size_t>(n - 1));
      return r;
    }
  }
}

}  // namespace stage1
