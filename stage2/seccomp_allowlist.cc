#include "stage2/seccomp_allowlist.h"

namespace stage2 {
namespace {

constexpr std::string_view kLifecycle[] = {
    // start-up of a (static or dynamic) glibc or musl program, threads and memory
    "arch_prctl", "brk", "mmap", "mmap2", "munmap", "mprotect", "set_tid_address",
    "set_robust_list", "get_robust_list", "rseq", "set_thread_area", "get_thread_area", "futex",
    "futex_time64", "membarrier", "getrandom", "prlimit64", "getrlimit", "ugetrlimit",
    "sched_getaffinity", "sched_yield",
    // signals and restarts
    "rt_sigreturn", "sigreturn", "restart_syscall", "pause", "nanosleep", "clock_nanosleep",
    "clock_nanosleep_time64",
    // clocks and ids (vDSO fallbacks)
    "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64", "gettimeofday",
    "time", "getpid", "getppid", "gettid", "getpgid", "getpgrp", "getsid", "getuid", "getuid32",
    "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32", "getresuid",
    "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32",
    // stage2's own last steps when the filter is loaded before them
    "setgroups", "setgroups32", "setresgid", "setresgid32", "setresuid", "setresuid32", "chdir",
    "capget", "capset", "prctl", "execve",
    // the end
    "exit", "exit_group"};

constexpr std::string_view kAllowlist[] = {
    // file I/O
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
    "pwritev2", "lseek", "_llseek", "open", "openat", "openat2", "creat", "close", "close_range",
    "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock", "fsync", "fdatasync", "syncfs", "sync",
    "sync_file_range", "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate",
    "fadvise64", "fadvise64_64", "readahead", "sendfile", "sendfile64", "splice", "tee", "vmsplice",
    "copy_file_range", "ioctl",
    // metadata, directories, links
    "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx",
    "statfs", "statfs64", "fstatfs", "fstatfs64", "access", "faccessat", "faccessat2", "readlink",
    "readlinkat", "getdents", "getdents64", "chmod", "fchmod", "fchmodat", "chown", "chown32",
    "fchown", "fchown32", "lchown", "lchown32", "fchownat", "umask", "utime", "utimes", "utimensat",
    "utimensat_time64", "futimesat", "chdir", "fchdir", "getcwd", "mkdir", "mkdirat", "rmdir",
    "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "unlink",
    "unlinkat", "mknod", "mknodat", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr",
    "flistxattr", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr",
    "fremovexattr",
    // memory
    "mremap", "madvise", "mincore", "msync", "mlock", "mlock2", "mlockall", "munlock", "munlockall",
    "memfd_create", "remap_file_pages", "pkey_alloc", "pkey_free", "pkey_mprotect",
    // processes
    "fork", "vfork", "execveat", "wait4", "waitid", "waitpid", "kill", "tkill", "tgkill", "setpgid",
    "setsid", "pidfd_open", "pidfd_send_signal", "modify_ldt", "seccomp",
    // credentials
    "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32",
    "setfsuid", "setfsuid32", "setfsgid", "setfsgid32",
    // signals
    "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "signalfd",
    "signalfd4", "alarm",
    // time and timers
    "times", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timer_getoverrun", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
    // scheduling and limits
    "sched_setaffinity", "sched_getparam", "sched_setparam", "sched_getscheduler",
    "sched_setscheduler", "sched_getattr", "sched_setattr", "sched_get_priority_max",
    "sched_get_priority_min", "sched_rr_get_interval", "sched_rr_get_interval_time64",
    "getpriority", "setpriority", "ioprio_get", "ioprio_set", "getcpu", "setrlimit", "getrusage",
    "sysinfo", "uname",
    // waiting for events
    "futex_waitv", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "epoll_pwait2", "eventfd", "eventfd2", "poll", "ppoll", "ppoll_time64", "select", "_newselect",
    "pselect6", "pselect6_time64", "inotify_init", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch", "fanotify_mark",
    // pipes and sockets
    "pipe", "pipe2", "socket", "socketpair", "socketcall", "bind", "connect", "listen", "accept",
    "accept4", "getsockname", "getpeername", "getsockopt", "setsockopt", "shutdown", "send",
    "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg", "recvmmsg", "recvmmsg_time64",
    // asynchronous I/O (not io_uring)
    "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
    "io_pgetevents_time64",
    // System V and POSIX IPC (namespaced with the pod's IPC namespace)
    "ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop",
    "semtimedop_time64", "semctl", "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink",
    "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive", "mq_timedreceive_time64", "mq_notify",
    "mq_getsetattr"};

}  // namespace

std::span<const std::string_view> lifecycle_calls() { return kLifecycle; }
std::span<const std::string_view> default_allowlist() { return kAllowlist; }

}  // namespace stage2
