#include "stage0/pods/pod_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>

#include "oslayer/dir_spread.h"
#include "oslayer/flock.h"
#include "oslayer/log.h"
#include "oslayer/remove_tree.h"
#include "stage0/pods/uuid.h"

namespace stage0::pods {
namespace {

constexpr mode_t kDirMode = 0750;

std::string pods_root(const std::string& data_dir) { return data_dir + "/pods"; }

std::string pod_path(const std::string& data_dir, std::string_view state_dir,
                     const std::string& uuid) {
  return pods_root(data_dir) + "/" + std::string(state_dir) + "/" + uuid;
}

oslayer::Result<oslayer::Fd> open_pod_dir(const std::string& path) {
  return oslayer::open_path(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

// rename(2) between two state dirs; the caller holds the pod's lock.
oslayer::Status rename_pod(const std::string& data_dir, const std::string& uuid,
                           std::string_view from, std::string_view to) {
  std::string src = pod_path(data_dir, from, uuid);
  std::string dst = pod_path(data_dir, to, uuid);
  if (::rename(src.c_str(), dst.c_str()) < 0) {
    return oslayer::Error::sys(errno, "moving pod " + uuid + " from " + std::string(from) +
                                          "/ to " + std::string(to) + "/");
  }
  return oslayer::ok();
}

// Names in a directory; a missing directory is empty.
oslayer::Result<std::vector<std::string>> read_names(const std::string& path) {
  std::vector<std::string> out;
  auto fd = oslayer::open_path(path, O_RDONLY | O_DIRECTORY);
  if (!fd) {
    if (fd.error().code() == ENOENT) return out;
    return std::move(fd).error();
  }
  DIR* d = ::fdopendir(fd->get());
  if (d == nullptr) return oslayer::Error::sys(errno, "reading " + path);
  (void)fd->release();  // owned by `d` now
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(std::move(n));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return oslayer::Error::sys(err, "reading " + path);
  return out;
}

}  // namespace

std::string_view state_name(PodState s) {
  switch (s) {
    case PodState::kEmbryo:
      return "embryo";
    case PodState::kPreparing:
      return "preparing";
    case PodState::kAbortedPrepare:
      return "aborted prepare";
    case PodState::kPrepared:
      return "prepared";
    case PodState::kRunning:
      return "running";
    case PodState::kDeleting:
      return "deleting";
    case PodState::kExitedDeleting:
      return "exited deleting";
    case PodState::kExited:
      return "exited";
    case PodState::kExitedGarbage:
      return "exited garbage";
    case PodState::kGarbage:
      return "garbage";
  }
  return "unknown";
}

oslayer::Result<PodState> probe_state(std::string_view state_dir, int dir_fd) {
  bool busy = false;
  if (::flock(dir_fd, LOCK_SH | LOCK_NB) == 0) {
    (void)::flock(dir_fd, LOCK_UN);  // a probe only; closing the fd would release it too
  } else if (errno == EWOULDBLOCK) {
    busy = true;
  } else {
    return oslayer::Error::sys(errno, "probing the pod's lock");
  }
  if (state_dir == kEmbryoDir) return PodState::kEmbryo;
  if (state_dir == kPrepareDir) return busy ? PodState::kPreparing : PodState::kAbortedPrepare;
  if (state_dir == kPreparedDir) return PodState::kPrepared;
  if (state_dir == kRunDir) return busy ? PodState::kRunning : PodState::kExited;
  if (state_dir == kExitedGarbageDir) {
    return busy ? PodState::kExitedDeleting : PodState::kExitedGarbage;
  }
  if (state_dir == kGarbageDir) return busy ? PodState::kDeleting : PodState::kGarbage;
  return oslayer::Error::msg("unknown pod state directory " + std::string(state_dir));
}

// --- HeldPod ---

HeldPod::HeldPod(std::string data_dir, std::string uuid, std::string_view state_dir,
                 oslayer::Fd dir)
    : data_dir_(std::move(data_dir)),
      uuid_(std::move(uuid)),
      state_dir_(state_dir),
      dir_(std::move(dir)) {}

HeldPod::HeldPod(HeldPod&& o) noexcept
    : data_dir_(std::move(o.data_dir_)),
      uuid_(std::move(o.uuid_)),
      state_dir_(o.state_dir_),
      dir_(std::move(o.dir_)),
      keep_(o.keep_) {
  o.keep_ = true;  // the moved-from object owns nothing
}

HeldPod& HeldPod::operator=(HeldPod&& o) noexcept {
  if (this != &o) {
    discard();
    data_dir_ = std::move(o.data_dir_);
    uuid_ = std::move(o.uuid_);
    state_dir_ = o.state_dir_;
    dir_ = std::move(o.dir_);
    keep_ = o.keep_;
    o.keep_ = true;
  }
  return *this;
}

HeldPod::~HeldPod() { discard(); }

void HeldPod::discard() {
  if (keep_ || uuid_.empty()) return;
  keep_ = true;
  // Still holding the lock, so no reader mistakes the half-made pod for an aborted prepare
  // worth keeping; the fd is closed (and the lock dropped) after the directory is gone.
  auto state = oslayer::open_path(pods_root(data_dir_) + "/" + std::string(state_dir_),
                                  O_RDONLY | O_DIRECTORY);
  if (state) {
    // Best effort in a destructor: a pod left behind is "aborted prepare", which gc removes.
    (void)oslayer::remove_tree(state->get(), uuid_);
  }
  dir_.reset();
}

std::string HeldPod::path() const { return pod_path(data_dir_, state_dir_, uuid_); }

oslayer::Status HeldPod::move_to(std::string_view to_dir) {
  if (auto st = rename_pod(data_dir_, uuid_, state_dir_, to_dir); !st) return st;
  state_dir_ = to_dir;
  return oslayer::ok();
}

namespace {

// Every pod dir is made in embryo/: each one is its own tree on disk (dir_spread.h). A hint
// only: a filesystem that cannot take it still holds pods.
void spread_pods(const std::string& embryo) {
  auto fd = oslayer::open_path(embryo, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  auto st = fd ? oslayer::spread_subdirectories(fd->get()) : oslayer::Status(std::move(fd).error());
  if (!st) oslayer::log_debug("not spreading pods over the disk: " + st.error().text());
}

}  // namespace

oslayer::Result<HeldPod> HeldPod::create(const std::string& data_dir) {
  std::string root = pods_root(data_dir);
  if (auto st = oslayer::make_dirs(AT_FDCWD, root, kDirMode); !st) {
    return std::move(st).error().context("creating " + root);
  }
  for (auto dir : kStateDirs) {
    std::string p = root + "/" + std::string(dir);
    if (::mkdir(p.c_str(), kDirMode) < 0) {
      if (errno == EEXIST) continue;
      return oslayer::Error::sys(errno, "creating " + p);
    }
    if (dir == kEmbryoDir) spread_pods(p);
  }
  auto uuid = new_uuid();
  if (!uuid) return std::move(uuid).error().context("creating a pod");
  std::string embryo = pod_path(data_dir, kEmbryoDir, *uuid);
  if (::mkdir(embryo.c_str(), kDirMode) < 0)
    return oslayer::Error::sys(errno, "creating " + embryo);
  auto fd = open_pod_dir(embryo);
  if (!fd) {
    (void)::rmdir(embryo.c_str());
    return std::move(fd).error().context("creating a pod");
  }
  HeldPod pod(data_dir, *uuid, kEmbryoDir, std::move(*fd));
  // From here on the destructor removes the directory on any failure.
  if (auto st =
          oslayer::lock_fd(pod.dir_.get(), oslayer::LockMode::kExclusive, oslayer::LockWait::kTry);
      !st) {
    return std::move(st).error().context("locking new pod " + *uuid);
  }
  if (auto st = pod.move_to(kPrepareDir); !st) return std::move(st).error();
  return pod;
}

oslayer::Result<HeldPod> HeldPod::take_prepared(const std::string& data_dir,
                                                const std::string& uuid) {
  auto fd = open_pod_dir(pod_path(data_dir, kPreparedDir, uuid));
  if (!fd) {
    if (fd.error().code() == ENOENT) {
      return oslayer::Error::msg("pod " + uuid + " is not prepared");
    }
    return std::move(fd).error().context("taking prepared pod " + uuid);
  }
  if (auto st = oslayer::lock_fd(fd->get(), oslayer::LockMode::kExclusive, oslayer::LockWait::kTry);
      !st) {
    if (st.error().code() == EWOULDBLOCK) {
      return oslayer::Error::msg("pod " + uuid + " is being started by another rkt");
    }
    return std::move(st).error().context("locking prepared pod " + uuid);
  }
  // Another taker may have locked, renamed and unlocked it between our open and our lock: the
  // rename is then what tells us we lost.
  HeldPod pod(data_dir, uuid, kPreparedDir, std::move(*fd));
  pod.keep_ = true;
  if (auto st = pod.move_to(kRunDir); !st) {
    if (st.error().code() == ENOENT) {
      return oslayer::Error::msg("pod " + uuid + " is not prepared");
    }
    return std::move(st).error();
  }
  return pod;
}

oslayer::Status HeldPod::to_prepared() {
  if (auto st = move_to(kPreparedDir); !st) return st;
  keep_ = true;
  return oslayer::unlock_fd(dir_.get()).context("unlocking prepared pod " + uuid_);
}

oslayer::Status HeldPod::to_run() {
  if (auto st = move_to(kRunDir); !st) return st;
  keep_ = true;
  return oslayer::ok();
}

oslayer::Result<int> HeldPod::lock_fd_for_exec() {
  int flags = ::fcntl(dir_.get(), F_GETFD);
  if (flags < 0 || ::fcntl(dir_.get(), F_SETFD, flags & ~FD_CLOEXEC) < 0) {
    return oslayer::Error::sys(errno, "handing on the lock of pod " + uuid_);
  }
  return dir_.get();
}

// --- readers ---

oslayer::Result<PodRef> refresh_pod(const std::string& data_dir, const std::string& uuid) {
  // The lifecycle order: a pod renamed while we look is found in a later directory. Two rounds
  // cover a pod that moved on twice while we looked.
  for (int round = 0; round < 2; ++round) {
    for (auto state_dir : kStateDirs) {
      std::string path = pod_path(data_dir, state_dir, uuid);
      auto fd = open_pod_dir(path);
      if (!fd) {
        if (fd.error().code() == ENOENT || fd.error().code() == ENOTDIR) continue;
        return std::move(fd).error().context("reading pod " + uuid);
      }
      auto state = probe_state(state_dir, fd->get());
      if (!state) return std::move(state).error().context("reading pod " + uuid);
      return PodRef{uuid, *state, path};
    }
  }
  return oslayer::Error::sys(ENOENT, "no pod " + uuid);
}

oslayer::Result<std::vector<PodRef>> list_pods(const std::string& data_dir) {
  std::map<std::string, PodRef> seen;
  for (auto state_dir : kStateDirs) {
    std::string dir = pods_root(data_dir) + "/" + std::string(state_dir);
    auto names = read_names(dir);
    if (!names) return std::move(names).error().context("listing pods");
    for (const auto& uuid : *names) {
      if (!is_uuid(uuid)) continue;
      auto fd = open_pod_dir(dir + "/" + uuid);
      if (!fd) {
        // Renamed since readdir: it shows up again in a later state directory. Not a
        // directory: a stray file, not a pod (rkt ignored those too).
        if (fd.error().code() == ENOENT || fd.error().code() == ENOTDIR) continue;
        return std::move(fd).error().context("listing pods");
      }
      auto state = probe_state(state_dir, fd->get());
      if (!state) return std::move(state).error().context("listing pods");
      // A later directory is a later state: it wins over what an earlier one showed.
      seen.insert_or_assign(uuid, PodRef{uuid, *state, dir + "/" + uuid});
    }
  }
  std::vector<PodRef> out;
  out.reserve(seen.size());
  for (auto& [uuid, ref] : seen) out.push_back(std::move(ref));
  return out;
}

oslayer::Result<PodRef> find_pod(const std::string& data_dir, std::string_view uuid_or_prefix) {
  // rkt lowercased what users typed, and said "no matches found" for both forms.
  std::string want(uuid_or_prefix);
  std::transform(want.begin(), want.end(), want.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto st = check_uuid_prefix(want); !st) return std::move(st).error();
  const std::string no_match = "no matches found for \"" + want + "\"";
  if (is_uuid(want)) {
    auto ref = refresh_pod(data_dir, want);
    if (!ref && ref.error().code() == ENOENT) return oslayer::Error::msg(no_match);
    return ref;
  }
  // A prefix: only names are read (no pod is opened but the match).
  std::vector<std::string> matches;
  for (auto state_dir : kStateDirs) {
    auto names = read_names(pods_root(data_dir) + "/" + std::string(state_dir));
    if (!names) return std::move(names).error().context("looking up pod " + want);
    for (auto& n : *names) {
      if (is_uuid(n) && n.compare(0, want.size(), want) == 0) matches.push_back(std::move(n));
    }
  }
  std::sort(matches.begin(), matches.end());
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  if (matches.empty()) return oslayer::Error::msg(no_match);
  if (matches.size() > 1) {
    return oslayer::Error::msg("ambiguous uuid \"" + want + "\", " +
                               std::to_string(matches.size()) + " matches");
  }
  auto ref = refresh_pod(data_dir, matches[0]);
  if (!ref && ref.error().code() == ENOENT) return oslayer::Error::msg(no_match);
  return ref;
}

oslayer::Result<std::string> read_uuid_file(const std::string& path) {
  auto text = oslayer::read_file(path, 4096);
  if (!text) return std::move(text).error().context("reading UUID file");
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (!is_uuid(s)) return oslayer::Error::msg("UUID file " + path + " does not hold a pod UUID");
  return s;
}

}  // namespace stage0::pods
