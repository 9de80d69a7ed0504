// /enter --pid=PID --appname=APP [--debug] [-- CMD [ARGS...]] (stage1-interface.md, "The enter
// entrypoint"), current directory = the pod dir, run by `rkt enter` as root in the host's
// namespaces. The command's process joins the running app exactly: the app's cgroups and all of
// its namespaces (its own mount namespace with its pivoted root, the pod's PID, UTS, IPC and
// network), then runs stage2 with the app's own arguments and App JSON from its launch record,
// plus --enter and the command. stage2 applies the app's user, groups, environment, working
// directory, capabilities, no_new_privs and seccomp filter, as for the app itself: rkt's enter
// applied none of them (CVE-2019-10144, -10145, -10147). /enter waits and passes signals on.
// Exit code: the command's, or 254 with one line.
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/namespaces.h"
#include "oslayer/process_join.h"
#include "stage1/app_launch.h"
#include "stage1/app_process.h"
#include "stage1/enter_flags.h"
#include "stage1/entrypoints.h"
#include "stage1/launch_record.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Fd;
using oslayer::Result;

// Everything an app shares with the pod or owns, but the PID namespace, which /enter joins
// itself (it applies to its children only). Not the user namespace (the host's: joining one's
// own fails) and not time.
constexpr int kAppNamespaces =
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;

// The signals /enter waits on: the child's end, and those it passes on.
sigset_t waited_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGQUIT}) sigaddset(&set, s);
  return set;
}

// stage2 of the same stage1 image: next to this binary (stage0 runs the entrypoints from the
// stage1 tree in the store, where the pod's overlay has its lower layer).
Result<Fd> open_stage2() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n < 0) return Error::sys(errno, "finding the enter entrypoint's own path");
  std::string self(buf, static_cast<size_t>(n));
  std::string dir = self.substr(0, self.rfind('/'));
  auto fd = oslayer::open_path(dir + "/stage2", O_RDONLY);
  if (!fd) return std::move(fd).error().context("opening stage2");
  return fd;
}

struct Command {
  std::string app;
  int gate;
  int pidfd;
  int stage2;
  int app_json;
  std::vector<std::string> args;
};

// In the child, which is already in the pod's PID namespace: waits until the parent has moved
// it into the app's cgroups (one byte on `gate`), joins the app's other namespaces, then execs
// stage2 with fd 3 = the App JSON.
int run_command(const Command& c) {
  char b = 0;
  ssize_t n;
  while ((n = ::read(c.gate, &b, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) return 254;  // the parent failed and said so
  // All at once, through the pidfd: if the app ended meanwhile this fails (ESRCH) and nothing
  // was joined. The mount namespace makes the app's pivoted root "/" and the working directory.
  if (auto s = oslayer::join_namespaces_of(c.pidfd, kAppNamespaces); !s) {
    if (s.error().code() == ESRCH) {
      oslayer::log_error(Error::msg("entering app " + c.app + ": the app is not running"));
    } else {
      oslayer::log_error(std::move(s).error().context("entering app " + c.app));
    }
    return 254;
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(c.app_json, 3) < 0 || ::lseek(3, 0, SEEK_SET) < 0) {
    oslayer::log_error(Error::sys(errno, "placing the app manifest on fd 3"));
    return 254;
  }
  std::vector<char*> argv;
  static char arg0[] = "stage2";
  argv.push_back(arg0);
  for (const auto& a : c.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Nothing of the caller's environment reaches the command: stage2 builds the app's (rkt#433).
  char* envp[] = {nullptr};
  ::fexecve(c.stage2, argv.data(), envp);
  oslayer::log_error(Error::sys(errno, "executing stage2"));
  return 254;
}

// Passes stop signals on to the command and returns its exit code once it ends.
Result<int> wait_for(oslayer::Child& child, int signals) {
  for (;;) {
    pollfd p{signals, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) {
      return Error::sys(errno, "waiting for the command");
    }
    signalfd_siginfo si{};
    while (::read(signals, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGCHLD) continue;
      // The terminal sends SIGINT and SIGQUIT to its whole foreground process group, the command
      // included: only a signal sent to /enter alone is passed on.
      if ((sig == SIGINT || sig == SIGQUIT) && si.ssi_code == SI_KERNEL) continue;
      (void)::kill(child.pid(), sig);
    }
    int status = 0;
    pid_t r = ::waitpid(child.pid(), &status, WNOHANG);
    if (r == child.pid()) {
      child.release();
      return oslayer::exit_code_of(status);
    }
  }
}

Result<int> enter_app(const EnterFlags& f) {
  // This process will hold fds of the host and then sit in the pod's namespaces: no process of
  // the pod may ptrace it or open its /proc files.
  if (auto s = oslayer::set_dumpable(false); !s) return std::move(s).error();

  auto record = read_launch_record(f.app);
  if (!record) {
    if (record.error().code() == ENOENT) {
      return Error::msg("app " + f.app + " is not running (not started yet, or ended)");
    }
    return std::move(record).error();
  }
  // The app's first process, then a pidfd that names it for good, then the check that the PID
  // did not change hands in between; its cgroups are read before that check too.
  auto pid = find_app_process(f.pid, record->pid);
  if (!pid) {
    if (pid.error().code() == ESRCH) return Error::msg("app " + f.app + " is not running");
    return std::move(pid).error();
  }
  auto pidfd = oslayer::open_pidfd(*pid);
  if (!pidfd) return std::move(pidfd).error();
  auto cgroups = oslayer::CgroupJoin::of_process(*pid);
  if (!cgroups) return std::move(cgroups).error();
  if (!is_app_process(*pid, f.pid, record->pid)) {
    return Error::msg("app " + f.app + " is not running");
  }
  auto stage2 = open_stage2();
  if (!stage2) return std::move(stage2).error();
  auto json = make_memfd("app-manifest", record->app_json);
  if (!json) return std::move(json).error();
  std::vector<std::string> args = record->stage2_args;
  if (f.debug) args.emplace_back("--debug");
  args.emplace_back("--enter");
  args.emplace_back("--");
  args.insert(args.end(), f.command.begin(), f.command.end());

  sigset_t set = waited_signals();
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return Error::sys(errno, "blocking signals");
  int sfd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return Error::sys(errno, "creating a signalfd");
  Fd signals(sfd);
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) < 0) return Error::sys(errno, "creating a pipe");
  Fd gate_read(gate[0]), gate_write(gate[1]);

  // The pod's PID namespace, for the child made next: it sees the pod's processes only. This
  // process itself stays in the host's namespaces and cgroups: it holds nothing of the pod, does
  // not count against the app's limits and is not killed with the pod's cgroups.
  if (auto s = oslayer::join_namespaces_of(pidfd->get(), CLONE_NEWPID); !s) {
    if (s.error().code() == ESRCH) return Error::msg("app " + f.app + " is not running");
    return std::move(s).error();
  }
  Command command{f.app, gate_read.get(), pidfd->get(), stage2->get(), json->get(), args};
  auto child = oslayer::fork_child([&] {
    gate_write.reset();
    return run_command(command);
  });
  if (!child) return std::move(child).error();
  gate_read.reset();
  // The command must never run outside the app's cgroups: it starts only once it is in them
  // (if this fails, the child reads end-of-file and exits, and the Child guard reaps it).
  if (auto s = cgroups->add_process(child->pid()); !s) return std::move(s).error();
  char go = 'G';
  if (::write(gate_write.get(), &go, 1) != 1) return Error::sys(errno, "starting the command");
  gate_write.reset();
  return wait_for(*child, signals.get());
}

}  // namespace

int enter_pod(const std::vector<std::string>& args) {
  oslayer::log_init("stage1", false);
  auto flags = parse_enter_flags(args);
  if (!flags) {
    oslayer::log_error(std::move(flags).error().context("enter"));
    return 254;
  }
  oslayer::log_set_debug(flags->debug);
  auto code = enter_app(*flags);
  if (!code) {
    oslayer::log_error(std::move(code).error().context("entering app " + flags->app));
    return 254;
  }
  return *code;
}

}  // namespace stage1
