#include "stage1/app_mounts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/beneath.h"
#include "oslayer/mount.h"
#include "stage1/kernel_paths.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Fd;
using oslayer::MountAttrs;
using oslayer::Result;
using oslayer::Status;

constexpr MountAttrs kNoSuidDevExec{false, true, true, true};
constexpr MountAttrs kReadOnlyNoSuidDevExec{true, true, true, true};

// /proc, /sys and /dev must be real directories of the image: a symlink there is refused rather
// than followed, even inside the root (CVE-2019-19921, CVE-2026-41579).
Result<Fd> api_fs_target(int rootfs, const std::string& name) {
  auto dir = oslayer::make_dirs_beneath(rootfs, name, 0755);
  if (!dir) {
    return std::move(dir).error().context("/" + name + " must be a directory in the image");
  }
  return dir;
}

// The host's /dev/null, checked to be the real device before anything is hidden under it
// (CVE-2025-31133: a /dev/null swapped for a symlink unmasks what it should hide).
Result<Fd> open_dev_null() {
  auto fd = oslayer::open_path("/dev/null", O_PATH | O_NOFOLLOW);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "inspecting /dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    return Error::msg("/dev/null of the host is not the null device");
  }
  return fd;
}

// The masks of one app's /proc and /sys. Each kind of mask is made once with its attributes and
// then cloned (a clone keeps them): the read-only empty tmpfs that hides directories, so one
// superblock per app to make and tear down, not one per directory; the host's /dev/null bound
// read-only over files.
struct Masks {
  int dev_null = -1;
  Fd empty;
  Fd null;
};

Result<Fd> null_mask(int dev_null) {
  auto m = oslayer::clone_mount(dev_null, false);
  if (!m) return m;
  if (auto s = oslayer::set_mount_attrs(m->get(), kReadOnlyNoSuidDevExec, false); !s) {
    return std::move(s).error();
  }
  return m;
}

// A mask for `path` below `fs_root`: a clone of `made`, else `make()`'s first one, kept there.
template <class Make>
Status place_mask(Fd& made, Make make, int fs_root, const std::string& path) {
  auto m = made.valid() ? oslayer::clone_mount(made.get(), false) : make();
  if (!m) return std::move(m).error();
  if (auto s = oslayer::attach_mount_at(m->get(), fs_root, path); !s) return s;
  if (!made.valid()) made = std::move(*m);  // attached now: a mount of this namespace
  return oslayer::ok();
}

// Bound onto itself, read-only, with whatever is mounted below it.
Status make_read_only(int fs_root, const std::string& path) {
  auto m = oslayer::clone_mount_at(fs_root, path, true);
  if (!m) return std::move(m).error();
  if (auto s = oslayer::set_mount_attrs(m->get(), MountAttrs{true, true, true, false}, true); !s) {
    return s;
  }
  return oslayer::attach_mount_at(m->get(), fs_root, path);
}

// The targets are looked up in the procfs or sysfs just mounted, which the kernel fills: nothing
// of the image or of an app can put a symlink on those paths.
Status protect_paths(int fs_root, const std::vector<ProtectedPath>& paths, Masks& masks,
                     const std::string& where) {
  for (const auto& p : paths) {
    // Looked for first: a clone made for a path this kernel lacks would be dropped detached,
    // and dropping a detached mount waits for an RCU grace period (0.05 to 0.1 ms here).
    struct stat st {};
    if (::fstatat(fs_root, p.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) continue;  // this kernel has no such file
      return Error::sys(errno, "protecting " + where + "/" + p.path);
    }
    Status s;
    switch (p.how) {
      case PathProtection::kMaskFile:
        s = place_mask(
            masks.null, [&] { return null_mask(masks.dev_null); }, fs_root, p.path);
        break;
      case PathProtection::kMaskDir:
        s = place_mask(
            masks.empty,
            [] {
              return oslayer::make_fs_mount("tmpfs", {{"mode", "0555"}}, kReadOnlyNoSuidDevExec);
            },
            fs_root, p.path);
        break;
      case PathProtection::kReadOnly:
        s = make_read_only(fs_root, p.path);
        break;
    }
    if (!s) return std::move(s).context("protecting " + where + "/" + p.path);
  }
  return oslayer::ok();
}

Status mount_proc(int rootfs, bool disable_paths, Masks& masks) {
  auto target = api_fs_target(rootfs, "proc");
  if (!target) return std::move(target).error();
  auto proc = oslayer::make_fs_mount("proc", {}, kNoSuidDevExec);
  if (!proc) return std::move(proc).error();
  if (auto s = oslayer::attach_mount(proc->get(), target->get()); !s) return s;
  return protect_paths(proc->get(), protected_proc_paths(disable_paths), masks, "/proc");
}

Status mount_sys(int rootfs, bool disable_paths, Masks& masks) {
  auto target = api_fs_target(rootfs, "sys");
  if (!target) return std::move(target).error();
  auto sys = oslayer::make_fs_mount("sysfs", {}, kReadOnlyNoSuidDevExec);
  if (!sys) return std::move(sys).error();
  if (auto s = oslayer::attach_mount(sys->get(), target->get()); !s) return s;
  return protect_paths(sys->get(), protected_sys_paths(disable_paths), masks, "/sys");
}

// stdin's terminal, opened again by its path in this mount namespace: the fd we inherited was
// opened in the caller's namespace, and a mount can only be cloned from our own.
Result<Fd> reopen_terminal() {
  char path[256] = {};
  ssize_t n = ::readlink("/proc/self/fd/0", path, sizeof path - 1);
  if (n < 0) return Error::sys(errno, "finding stdin's terminal");
  auto fd = oslayer::open_path(path, O_PATH | O_NOFOLLOW);
  if (!fd) return std::move(fd).error();
  struct stat want {
  }, got{};
  if (::fstat(STDIN_FILENO, &want) < 0 || ::fstat(fd->get(), &got) < 0) {
    return Error::sys(errno, "inspecting stdin's terminal");
  }
  if (!S_ISCHR(got.st_mode) || got.st_rdev != want.st_rdev) {
    return Error::msg(std::string(path) + " is not stdin's terminal in this namespace");
  }
  return fd;
}

struct DeviceNode {
  const char* name;
  unsigned major, minor;
};
constexpr DeviceNode kDevices[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                                   {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
constexpr std::pair<const char*, const char*> kDevLinks[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

// A fresh tmpfs, filled while still detached (so nothing of the image is ever followed), then
// attached on /dev; devpts and shm go on it after.
Status mount_dev(int rootfs, bool console_is_stdin, int dev_null) {
  auto target = api_fs_target(rootfs, "dev");
  if (!target) return std::move(target).error();
  auto dev = oslayer::make_fs_mount("tmpfs", {{"mode", "0755"}, {"size", "65536k"}},
                                    MountAttrs{false, true, false, true});
  if (!dev) return std::move(dev).error().context("mounting /dev");
  int d = dev->get();
  // The nodes' mode exactly, whatever the umask (the pre-start handler, a child, gets it back).
  const mode_t umask_was = ::umask(0);
  for (const auto& n : kDevices) {
    if (::mknodat(d, n.name, S_IFCHR | 0666, makedev(n.major, n.minor)) < 0) {
      const int err = errno;
      ::umask(umask_was);
      return Error::sys(err, std::string("creating /dev/") + n.name);
    }
  }
  ::umask(umask_was);
  for (const auto& [name, to] : kDevLinks) {
    if (::symlinkat(to, d, name) < 0)
      return Error::sys(errno, std::string("creating /dev/") + name);
  }
  for (const char* dir : {"pts", "shm"}) {
    if (::mkdirat(d, dir, 0755) < 0) return Error::sys(errno, std::string("creating /dev/") + dir);
  }
  int console_file = ::openat(d, "console", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (console_file < 0) return Error::sys(errno, "creating /dev/console");
  ::close(console_file);
  if (auto s = oslayer::attach_mount(d, target->get()); !s) return std::move(s).context("/dev");

  auto pts = oslayer::make_fs_mount(
      "devpts", {{"newinstance", ""}, {"ptmxmode", "0666"}, {"mode", "0620"}, {"gid", "5"}},
      MountAttrs{false, true, false, true});
  if (!pts) return std::move(pts).error().context("mounting /dev/pts");
  // The rest goes on entries this process just made in its own tmpfs, which nothing else
  // reaches yet: named by path, with no symlink to fear.
  if (auto s = oslayer::attach_mount_at(pts->get(), d, "pts"); !s) {
    return std::move(s).context("mounting /dev/pts");
  }
  auto shm =
      oslayer::make_fs_mount("tmpfs", {{"mode", "1777"}, {"size", "65536k"}}, kNoSuidDevExec);
  if (!shm) return std::move(shm).error().context("mounting /dev/shm");
  if (auto s = oslayer::attach_mount_at(shm->get(), d, "shm"); !s) {
    return std::move(s).context("mounting /dev/shm");
  }
  // /dev/console: the caller's terminal for an interactive app, else the null device.
  Fd terminal;
  if (console_is_stdin) {
    auto t = reopen_terminal();
    if (!t) return std::move(t).error().context("mounting /dev/console");
    terminal = std::move(*t);
  }
  auto console = oslayer::clone_mount(console_is_stdin ? terminal.get() : dev_null, false);
  if (!console) return std::move(console).error().context("mounting /dev/console");
  if (auto s = oslayer::attach_mount_at(console->get(), d, "console"); !s) {
    return std::move(s).context("mounting /dev/console");
  }
  return oslayer::ok();
}

Status bind_file(int source, int rootfs, const std::string& target_path) {
  auto target = oslayer::open_mount_target(rootfs, target_path, oslayer::TargetKind::kFile);
  if (!target) return std::move(target).error();
  return oslayer::bind_mount(source, target->get(), false, MountAttrs{true, true, true, false})
      .context("mounting " + target_path);
}

Status mount_etc_files(int rootfs, const AppFilesystems& fs) {
  auto hosts = oslayer::open_path(fs.hosts_file, O_PATH);
  if (!hosts) return std::move(hosts).error().context("mounting /etc/hosts");
  if (auto s = bind_file(hosts->get(), rootfs, "/etc/hosts"); !s) return s;

  std::string resolv_source;
  switch (fs.resolv) {
    case ResolvSource::kNone:
      return oslayer::ok();
    case ResolvSource::kGenerated:
      resolv_source = fs.resolv_file;
      break;
    case ResolvSource::kImage: {
      auto own = oslayer::open_in_root(rootfs, "/etc/resolv.conf", O_PATH);
      if (own) return oslayer::ok();
      resolv_source = "/etc/resolv.conf";
      break;
    }
    case ResolvSource::kHost:
      resolv_source = "/etc/resolv.conf";
      break;
  }
  auto source = oslayer::open_path(resolv_source, O_PATH);
  if (!source) {
    // A host without a resolv.conf has nothing to share; the app resolves as the host does.
    if (source.error().code() == ENOENT && fs.resolv != ResolvSource::kGenerated) {
      return oslayer::ok();
    }
    return std::move(source).error().context("mounting /etc/resolv.conf");
  }
  return bind_file(source->get(), rootfs, "/etc/resolv.conf");
}

Result<Fd> open_volume_source(const VolumeMount& v) {
  if (v.kind == appc::VolumeKind::kHost) {
    // The host path is the pod's owner's choice and may itself be a symlink on the host.
    return oslayer::open_path(v.source, O_PATH);
  }
  // sharedVolumes/<name> is made by stage0 with the volume's mode and owner; a pod dir whose
  // stage0 did not make it gets it here.
  if (::mkdirat(AT_FDCWD, "sharedVolumes", 0755) < 0 && errno != EEXIST) {
    return Error::sys(errno, "creating sharedVolumes");
  }
  if (::mkdirat(AT_FDCWD, v.source.c_str(), v.mode) == 0) {
    if (::fchmodat(AT_FDCWD, v.source.c_str(), v.mode, 0) < 0 ||
        ::fchownat(AT_FDCWD, v.source.c_str(), v.uid, v.gid, AT_SYMLINK_NOFOLLOW) < 0) {
      return Error::sys(errno, "creating " + v.source);
    }
  } else if (errno != EEXIST) {
    return Error::sys(errno, "creating " + v.source);
  }
  return oslayer::open_path(v.source, O_PATH | O_DIRECTORY | O_NOFOLLOW);
}

Status mount_volume(int rootfs, const VolumeMount& v) {
  auto source = open_volume_source(v);
  if (!source) return std::move(source).error();
  struct stat st {};
  if (::fstat(source->get(), &st) < 0) return Error::sys(errno, "inspecting " + v.source);
  auto kind = S_ISDIR(st.st_mode) ? oslayer::TargetKind::kDirectory : oslayer::TargetKind::kFile;
  auto target = oslayer::open_mount_target(rootfs, v.target, kind);
  if (!target) return std::move(target).error();
  MountAttrs attrs;
  attrs.read_only = v.read_only;
  return oslayer::bind_mount(source->get(), target->get(), v.recursive, attrs);
}

}  // namespace

Status mount_app_filesystems(int rootfs, const AppFilesystems& fs) {
  auto dev_null = open_dev_null();
  if (!dev_null) return std::move(dev_null).error();
  Masks masks;
  masks.dev_null = dev_null->get();
  if (auto s = mount_proc(rootfs, fs.disable_paths, masks); !s) {
    return std::move(s).context("mounting /proc");
  }
  if (auto s = mount_sys(rootfs, fs.disable_paths, masks); !s)
    return std::move(s).context("mounting /sys");
  if (auto s = mount_dev(rootfs, fs.console_is_stdin, dev_null->get()); !s) {
    return std::move(s).context("mounting /dev");
  }
  if (auto s = mount_etc_files(rootfs, fs); !s) return s;
  for (const auto& v : fs.volumes) {
    if (auto s = mount_volume(rootfs, v); !s) {
      return std::move(s).context("mounting volume " + v.volume + " on " + v.target);
    }
  }
  return oslayer::ok();
}

}  // namespace stage1
