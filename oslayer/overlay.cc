#include "oslayer/overlay.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "oslayer/mount.h"

namespace oslayer {
namespace {

// The messages the kernel queued on an fs context ("e overlayfs: failed to resolve ..."), which
// say more than the errno alone. Best effort: none is fine.
std::string kernel_messages(int fs) {
  std::string all;
  char buf[512];
  for (int i = 0; i < 8; ++i) {
    ssize_t n = ::read(fs, buf, sizeof buf - 1);
    if (n <= 0) break;
    std::string line(buf, static_cast<size_t>(n));
    if (line.size() > 2 && line[1] == ' ') line = line.substr(2);  // "e ", "w ", "i " prefixes
    if (!all.empty()) all += "; ";
    all += line;
  }
  return all;
}

Error fs_error(int err, int fs, std::string what) {
  std::string why = kernel_messages(fs);
  if (!why.empty()) what += " (" + why + ")";
  return Error::sys(err, std::move(what));
}

Status set_string(int fs, const char* key, const std::string& value) {
  if (::fsconfig(fs, FSCONFIG_SET_STRING, key, value.c_str(), 0) < 0) {
    return fs_error(errno, fs, std::string("setting overlay ") + key + "=" + value);
  }
  return ok();
}

}  // namespace

std::string overlay_lowerdir_list(const std::vector<std::string>& lower) {
  std::string out;
  for (const std::string& layer : lower) {
    if (!out.empty()) out += ':';
    for (char c : layer) {
      if (c == '\\' || c == ':' || c == ',') out += '\\';
      out += c;
    }
  }
  return out;
}

Result<Fd> make_overlay(const OverlayLayers& layers) {
  if (layers.lower.empty()) return Error::msg("an overlay needs at least one lower layer");
  int raw = ::fsopen("overlay", FSOPEN_CLOEXEC);
  if (raw < 0) {
    return Error::sys(errno, "opening a new overlay filesystem (is the overlay module loaded?)");
  }
  Fd fs(raw);
  // One layer per call; EINVAL on the first one means a kernel older than 6.8, which only knows
  // the whole list in one string.
  bool appended = true;
  for (size_t i = 0; i < layers.lower.size(); ++i) {
    if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "lowerdir+", layers.lower[i].c_str(), 0) == 0) {
      continue;
    }
    const int err = errno;
    if (i == 0 && err == EINVAL) {
      (void)kernel_messages(fs.get());  // drop "unknown parameter" before the fallback
      appended = false;
      break;
    }
    return fs_error(err, fs.get(), "adding overlay lower layer " + layers.lower[i]);
  }
  if (!appended) {
    if (auto st = set_string(fs.get(), "lowerdir", overlay_lowerdir_list(layers.lower)); !st) {
      return std::move(st).error();
    }
  }
  if (auto st = set_string(fs.get(), "upperdir", layers.upper); !st) return std::move(st).error();
  if (auto st = set_string(fs.get(), "workdir", layers.work); !st) return std::move(st).error();
  if (layers.skip_sync && ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, "volatile", nullptr, 0) < 0) {
    if (errno != EINVAL) return fs_error(errno, fs.get(), "making the overlay volatile");
    (void)kernel_messages(fs.get());  // "unknown parameter": a kernel before 5.10
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
    return fs_error(errno, fs.get(), "creating the overlay of " + layers.lower.front());
  }
  int mnt = ::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0);
  if (mnt < 0) return fs_error(errno, fs.get(), "mounting the overlay of " + layers.lower.front());
  return Fd(mnt);
}

Status mount_overlay(const OverlayLayers& layers, int target) {
  auto mnt = make_overlay(layers);
  if (!mnt) return std::move(mnt).error();
  return attach_mount(mnt->get(), target);
}

Status enter_private_mount_namespace() {
  if (::unshare(CLONE_NEWNS) < 0) return Error::sys(errno, "unsharing the mount namespace");
  // Slave, not private: a volume the admin mounts on the host later still shows up inside.
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
    return Error::sys(errno, "making / a recursive slave mount");
  }
  return ok();
}

}  // namespace oslayer
