// probe: a tiny static program that reports from inside a pod, for the integration tests.
// Dependency-free on purpose: it runs in images with no libc of their own.
//
//   probe report               one JSON object: argv, env, ids, groups, cwd, hostname, pids,
//                              capability sets, NoNewPrivs, Seccomp, mountinfo, cgroup, open fds
//   probe exit N               exits with N
//   probe sleep SECONDS        sleeps
//   probe kill-self SIGNAL     sends itself SIGNAL (a number or a name such as TERM)
//   probe write PATH TEXT      writes TEXT to PATH (created 0644, truncated)
//   probe cat PATH             copies PATH to stdout
//   probe alloc MIB            allocates MIB mebibytes and touches every page, printing
//                              "allocated N MiB" every 8 MiB; exits 0 if it got them all (the
//                              memory limit tests expect the OOM killer to stop it first)
//   probe try OPERATION [ARG]  attempts a dangerous operation; prints "allowed" or
//                              "denied: <errno name>" (exit 0 either way; 2 for a bad operation):
//                              mount, umount, unshare-user, keyctl, keyctl-int80, bpf,
//                              perf_event_open, userfaultfd, ptrace-attach PID, sethostname,
//                              init_module, finit_module, open-write PATH, open-read PATH, kcore,
//                              chroot-escape, tiocsti FD, see-process TEXT,
//                              chown PATH (to 4321:4321), mknod PATH (a character device 1:3),
//                              raw-socket (AF_INET SOCK_RAW: CAP_NET_RAW), uname, getcwd
//                              (harmless calls for the seccomp tests; raw syscalls, so libc's
//                              own fallbacks do not hide the filter's answer)
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string read_text(const char* path) {
  std::string out;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + quote(v[i]);
  return out + "]";
}

// The value of "Key:\t..." in /proc/self/status.
std::string status_field(const std::string& status, const std::string& key) {
  for (const auto& l : lines(status)) {
    if (l.compare(0, key.size() + 1, key + ":") == 0) {
      size_t v = l.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? "" : l.substr(v);
    }
  }
  return "";
}

int report(int argc, char** argv) {
  std::string j = "{";
  j += "\"argv\":" + string_array(std::vector<std::string>(argv, argv + argc));
  j += ",\"env\":{";
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    j += (e == environ ? "" : ",") + quote(kv.substr(0, eq)) + ":" +
         quote(eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  j += "}";
  j += ",\"uid\":" + std::to_string(::getuid()) + ",\"gid\":" + std::to_string(::getgid());
  j += ",\"euid\":" + std::to_string(::geteuid()) + ",\"egid\":" + std::to_string(::getegid());
  gid_t groups[256];
  int n = ::getgroups(256, groups);
  j += ",\"groups\":[";
  for (int i = 0; i < n; ++i) j += (i ? "," : "") + std::to_string(groups[i]);
  j += "]";
  char buf[4096];
  j += ",\"cwd\":" + quote(::getcwd(buf, sizeof buf) ? buf : "");
  j += ",\"hostname\":" + quote(::gethostname(buf, sizeof buf) == 0 ? buf : "");
  j += ",\"pid\":" + std::to_string(::getpid()) + ",\"ppid\":" + std::to_string(::getppid());
  std::string status = read_text("/proc/self/status");
  for (const char* k : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    j += ",\"" + std::string(k) + "\":" + quote(status_field(status, k));
  }
  j += ",\"NoNewPrivs\":" + quote(status_field(status, "NoNewPrivs"));
  j += ",\"Seccomp\":" + quote(status_field(status, "Seccomp"));
  j += ",\"mountinfo\":" + string_array(lines(read_text("/proc/self/mountinfo")));
  j += ",\"cgroup\":" + string_array(lines(read_text("/proc/self/cgroup")));
  // The fds, minus the one opendir holds while listing.
  j += ",\"fds\":{";
  DIR* d = ::opendir("/proc/self/fd");
  bool first = true;
  if (d != nullptr) {
    int own = ::dirfd(d);
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.' || std::atoi(e->d_name) == own) continue;
      std::string link = std::string("/proc/self/fd/") + e->d_name;
      ssize_t len = ::readlink(link.c_str(), buf, sizeof buf - 1);
      buf[len < 0 ? 0 : len] = '\0';
      j += (first ? "" : ",") + quote(e->d_name) + ":" + quote(buf);
      first = false;
    }
    ::closedir(d);
  }
  j += "}}\n";
  return std::fwrite(j.data(), 1, j.size(), stdout) == j.size() ? 0 : 1;
}

int outcome(long rc) {
  if (rc >= 0) {
    std::puts("allowed");
  } else {
    const char* name = ::strerrorname_np(errno);
    std::printf("denied: %s\n", name ? name : "?");
  }
  return 0;
}

// chroot into a fresh directory, climb with "..", chroot("."): the classic escape, which only
// works when the process's root is not a mount namespace's root.
int chroot_escape() {
  struct stat before {};
  if (::stat("/", &before) != 0) return outcome(-1);
  const char* dir = ::access("/tmp", W_OK) == 0 ? "/tmp/.probe-escape" : "/.probe-escape";
  (void)::mkdir(dir, 0700);
  if (::chroot(dir) != 0) return outcome(-1);
  for (int i = 0; i < 64; ++i) (void)!::chdir("..");
  if (::chroot(".") != 0) return outcome(-1);
  struct stat after {};
  if (::stat("/", &after) != 0) return outcome(-1);
  if (after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
    std::puts("allowed");
  } else {
    std::puts("denied: contained");
  }
  return 0;
}

// Whether another process's command line contains TEXT: "allowed: PID" if one does, "denied:
// not-visible" if none does. The probe's own (which holds TEXT as an argument) is skipped.
int see_process(const char* text) {
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return outcome(-1);
  std::string self = std::to_string(::getpid());
  std::string found;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9' || self == e->d_name) continue;
    std::string cmdline = read_text(("/proc/" + std::string(e->d_name) + "/cmdline").c_str());
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(text) != std::string::npos) found = e->d_name;
  }
  ::closedir(d);
  if (found.empty()) {
    std::puts("denied: not-visible");
  } else {
    std::printf("allowed: %s\n", found.c_str());
  }
  return 0;
}

int try_operation(const std::string& op, const char* arg) {
  if (op == "mount") {
    return outcome(
        ::mount("probe", ::access("/tmp", F_OK) == 0 ? "/tmp" : "/", "tmpfs", 0, nullptr));
  }
  if (op == "umount") return outcome(::umount2("/proc", MNT_DETACH));
  if (op == "unshare-user") return outcome(::unshare(CLONE_NEWUSER));
  if (op == "keyctl") {
    return outcome(::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
  }
  if (op == "keyctl-int80") {
#if defined(__x86_64__)
    // The i386 ABI from a 64-bit process: a filter that covers only x86_64 misses this.
    long rc;
    asm volatile("int $0x80"
                 : "=a"(rc)
                 : "0"(288L /* i386 keyctl */), "b"(KEYCTL_GET_KEYRING_ID),
                   "c"(KEY_SPEC_SESSION_KEYRING), "d"(0L)
                 : "memory");
    if (rc < 0 && rc > -4096) {
      errno = static_cast<int>(-rc);
      rc = -1;
    }
    return outcome(rc);
#else
    std::puts("denied: ENOSYS");
    return 0;
#endif
  }
  if (op == "bpf") {
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    return outcome(::syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
  }
  if (op == "perf_event_open") {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.disabled = 1;
    return outcome(::syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
  }
  if (op == "userfaultfd") return outcome(::syscall(SYS_userfaultfd, O_CLOEXEC));
  if (op == "ptrace-attach") {
    if (arg == nullptr) return 2;
    pid_t pid = std::atoi(arg);
    long rc = ::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr);
    int err = errno;
    if (rc == 0) {
      (void)::waitpid(pid, nullptr, __WALL);
      (void)::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
    }
    errno = err;
    return outcome(rc);
  }
  if (op == "sethostname") return outcome(::sethostname("probe", 5));
  if (op == "init_module") return outcome(::syscall(SYS_init_module, nullptr, 0, ""));
  if (op == "finit_module") {
    // Not a module: with CAP_SYS_MODULE the kernel would answer ENOEXEC, without it EPERM.
    int fd = ::open("/probe", O_RDONLY | O_CLOEXEC);
    long rc = ::syscall(SYS_finit_module, fd, "", 0);
    int err = errno;
    if (fd >= 0) ::close(fd);
    errno = err;
    return outcome(rc);
  }
  if (op == "tiocsti") {
    // Pushes a harmless space into the input queue of the terminal on fd ARG (default 0).
    char c = ' ';
    return outcome(::ioctl(arg == nullptr ? 0 : std::atoi(arg), TIOCSTI, &c));
  }
  if (op == "see-process") return arg == nullptr ? 2 : see_process(arg);
  if (op == "open-read") {
    if (arg == nullptr) return 2;
    int fd = ::open(arg, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return outcome(-1);
    char c;
    ssize_t n = ::read(fd, &c, 1);
    int err = errno;
    ::close(fd);
    errno = err;
    return outcome(n < 0 ? -1 : 0);
  }
  if (op == "open-write") {
    if (arg == nullptr) return 2;
    int fd = ::open(arg, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
    return outcome(fd);
  }
  if (op == "kcore") {
    int fd = ::open("/proc/kcore", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return outcome(-1);
    char c;
    ssize_t n = ::read(fd, &c, 1);
    int err = errno;
    ::close(fd);
    errno = err;
    return outcome(n < 0 ? -1 : 0);
  }
  if (op == "chroot-escape") return chroot_escape();
  if (op == "chown") return arg == nullptr ? 2 : outcome(::chown(arg, 4321, 4321));
  if (op == "mknod") {
    return arg == nullptr ? 2 : outcome(::mknod(arg, S_IFCHR | 0600, makedev(1, 3)));
  }
  if (op == "raw-socket") {
    int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    int err = errno;
    if (fd >= 0) ::close(fd);
    errno = err;
    return outcome(fd);
  }
  if (op == "uname") {
    struct utsname u;
    return outcome(::syscall(SYS_uname, &u));
  }
  if (op == "getcwd") {
    char buf[256];
    return outcome(::syscall(SYS_getcwd, buf, sizeof buf));
  }
  std::fprintf(stderr, "probe: unknown operation \"%s\"\n", op.c_str());
  return 2;
}

int signal_number(const std::string& s) {
  if (!s.empty() && s[0] >= '0' && s[0] <= '9') return std::atoi(s.c_str());
  std::string name = s.compare(0, 3, "SIG") == 0 ? s.substr(3) : s;
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    if (abbrev != nullptr && name == abbrev) return sig;
  }
  return -1;
}

int usage() {
  std::fputs(
      "usage: probe report|exit N|sleep S|kill-self SIG|write PATH TEXT|cat PATH|alloc MIB|"
      "try OP [ARG]\n",
      stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "report";
  if (cmd == "report") return report(argc, argv);
  if (cmd == "exit" && argc > 2) return std::atoi(argv[2]);
  if (cmd == "sleep" && argc > 2) {
    ::sleep(static_cast<unsigned>(std::atoi(argv[2])));
    return 0;
  }
  if (cmd == "kill-self" && argc > 2) {
    int sig = signal_number(argv[2]);
    if (sig <= 0) return usage();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return 1;
  }
  if (cmd == "write" && argc > 3) {
    int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::perror(argv[2]);
      return 1;
    }
    size_t len = std::strlen(argv[3]);
    bool ok = ::write(fd, argv[3], len) == static_cast<ssize_t>(len);
    ::close(fd);
    return ok ? 0 : 1;
  }
  if (cmd == "cat" && argc > 2) {
    int fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::perror(argv[2]);
      return 1;
    }
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
      if (::write(1, buf, static_cast<size_t>(n)) != n) return 1;
    }
    ::close(fd);
    return n < 0 ? 1 : 0;
  }
  if (cmd == "alloc" && argc > 2) {
    long mib = std::atol(argv[2]);
    if (mib <= 0) return usage();
    for (long i = 1; i <= mib; ++i) {
      // Touched page by page: the memory is charged to the cgroup only once it is written.
      auto* p = static_cast<char*>(std::malloc(1 << 20));
      if (p == nullptr) {
        std::printf("malloc failed after %ld MiB\n", i - 1);
        return 1;
      }
      // volatile: the compiler may not drop stores to memory nobody reads.
      volatile char* v = p;
      for (size_t off = 0; off < (1 << 20); off += 4096) v[off] = 1;
      if (i % 8 == 0) {
        std::printf("allocated %ld MiB\n", i);
        std::fflush(stdout);
      }
    }
    return 0;
  }
  if (cmd == "try" && argc > 2) return try_operation(argv[2], argc > 3 ? argv[3] : nullptr);
  return usage();
}
