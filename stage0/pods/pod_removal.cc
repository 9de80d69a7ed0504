#include "stage0/pods/pod_removal.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <vector>

#include "oslayer/flock.h"
#include "oslayer/log.h"
#include "oslayer/mount.h"
#include "oslayer/remove_tree.h"
#include "stage0/pods/stage1_entrypoint.h"

namespace stage0::pods {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_path(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = s[i + k];
        ok = ok && c >= '0' && c <= '7';
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Mount points at or below `dir`, deepest first.
std::vector<std::string> mounts_below(const std::string& dir) {
  std::vector<std::string> out;
  auto info = oslayer::read_file("/proc/self/mountinfo", 64 << 20);
  if (!info) return out;
  std::istringstream lines(*info);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    if (!(fields >> id >> parent >> devno >> root >> mount_point)) continue;
    std::string p = unescape_mount_path(mount_point);
    if (p == dir || p.compare(0, dir.size() + 1, dir + "/") == 0) out.push_back(p);
  }
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

}  // namespace

std::string_view state_dir_of(PodState s) {
  switch (s) {
    case PodState::kEmbryo:
      return kEmbryoDir;
    case PodState::kPreparing:
    case PodState::kAbortedPrepare:
      return kPrepareDir;
    case PodState::kPrepared:
      return kPreparedDir;
    case PodState::kRunning:
    case PodState::kExited:
      return kRunDir;
    case PodState::kExitedDeleting:
    case PodState::kExitedGarbage:
      return kExitedGarbageDir;
    case PodState::kDeleting:
    case PodState::kGarbage:
      return kGarbageDir;
  }
  return kGarbageDir;
}

oslayer::Result<oslayer::Fd> lock_pod(const PodRef& ref) {
  auto fd = oslayer::open_path(ref.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (!fd) return std::move(fd).error().context("locking pod " + ref.uuid);
  if (auto st = oslayer::lock_fd(fd->get(), oslayer::LockMode::kExclusive, oslayer::LockWait::kTry);
      !st) {
    return std::move(st).error().context("locking pod " + ref.uuid);
  }
  return std::move(*fd);
}

oslayer::Status move_pod(const std::string& data_dir, PodRef& ref, std::string_view to) {
  std::string dst = data_dir + "/pods/" + std::string(to) + "/" + ref.uuid;
  if (ref.path == dst) return oslayer::ok();
  if (::rename(ref.path.c_str(), dst.c_str()) < 0) {
    return oslayer::Error::sys(errno, "moving pod " + ref.uuid + " to " + std::string(to) + "/");
  }
  ref.path = dst;
  return oslayer::ok();
}

oslayer::Status delete_pod(const DeleteOptions& opts, const PodRef& ref, bool ran_stage1) {
  if (ran_stage1) {
    std::vector<std::string> args;
    if (opts.debug) args.emplace_back("--debug");
    args.push_back("--local-config=" + opts.local_config);
    args.push_back(ref.uuid);
    auto rc = run_stage1_entrypoint(opts.data_dir, ref, "gc", args);
    if (!rc) {
      oslayer::log_error(
          std::move(rc).error().context("problem performing stage1 GC on " + ref.uuid));
    } else if (*rc != 0) {
      oslayer::log_error(oslayer::Error::msg("problem performing stage1 GC on " + ref.uuid +
                                             ": gc entrypoint exited with status " +
                                             std::to_string(*rc)));
    }
  }
  // By design a pod leaves no mount on the host; if one is there anyway (an older stage1, an
  // admin's bind mount), detach it rather than fail with EBUSY as rkt did for years.
  for (const auto& m : mounts_below(ref.path)) {
    if (auto st = oslayer::unmount(m, MNT_DETACH); !st && st.error().code() != EINVAL) {
      return std::move(st).error().context("removing pod " + ref.uuid);
    }
  }
  auto dir = oslayer::open_path(ref.path.substr(0, ref.path.rfind('/')), O_RDONLY | O_DIRECTORY);
  if (!dir) return std::move(dir).error().context("removing pod " + ref.uuid);
  return oslayer::remove_tree(dir->get(), ref.uuid).context("removing pod " + ref.uuid);
}

}  // namespace stage0::pods
