#include "stage0/run/pod_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "appc-spec/image_manifest.h"
#include "oslayer/beneath.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Status;

Status make_dir(int dir, const std::string& path, mode_t mode) {
  auto fd = oslayer::make_dirs_beneath(dir, path, mode);
  if (!fd) return std::move(fd).error().context("creating " + path);
  return oslayer::ok();
}

// An empty volume's directory, with the owner and mode the volume names (not the umask's).
Status make_shared_volume(int pod_dir, const appc::Volume& v) {
  const std::string path = "sharedVolumes/" + v.name.str();
  if (auto st = make_dir(pod_dir, path, 0700); !st) return st;
  auto fd =
      oslayer::open_beneath(pod_dir, path, O_RDONLY | O_DIRECTORY, 0, oslayer::Symlinks::kRefuse);
  if (!fd) return std::move(fd).error();
  unsigned mode = 0755;
  if (v.mode) {
    const std::string& m = *v.mode;
    auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), mode, 8);
    if (m.empty() || ec != std::errc() || end != m.data() + m.size() || mode > 07777) {
      return Error::msg("volume " + v.name.str() + ": mode \"" + m +
                        "\" is not an octal file mode");
    }
  }
  const uid_t uid = static_cast<uid_t>(v.uid.value_or(0));
  const gid_t gid = static_cast<gid_t>(v.gid.value_or(0));
  if (::fchown(fd->get(), uid, gid) < 0) return Error::sys(errno, "chown " + path);
  if (::fchmod(fd->get(), static_cast<mode_t>(mode)) < 0) return Error::sys(errno, "chmod " + path);
  return oslayer::ok();
}

}  // namespace

Status write_new_file(int dir, const std::string& path, std::string_view data, mode_t mode) {
  auto fd = oslayer::open_beneath(dir, path, O_WRONLY | O_CREAT | O_EXCL, mode,
                                  oslayer::Symlinks::kRefuse);
  if (!fd) return std::move(fd).error().context("creating " + path);
  if (auto st = oslayer::write_all(fd->get(), data); !st) {
    return std::move(st).error().context("writing " + path);
  }
  return oslayer::ok();
}

oslayer::Result<std::string> read_pod_file(int pod_dir, const std::string& path) {
  auto fd = oslayer::open_beneath(pod_dir, path, O_RDONLY, 0, oslayer::Symlinks::kRefuse);
  if (!fd) return std::move(fd).error().context("reading the pod's " + path);
  return oslayer::read_all(fd->get(), appc::kMaxManifestSize).context("reading " + path);
}

Status write_pod_files(int pod_dir, const PodFiles& f) {
  if (auto st = write_new_file(pod_dir, "pod", f.pod_manifest, 0640); !st) return st;
  if (auto st = write_new_file(pod_dir, "pod-created", "", 0640); !st) return st;
  if (auto st = write_new_file(pod_dir, "stage1TreeStoreID", f.stage1.tree_id, 0640); !st) {
    return st;
  }
  if (auto st = make_dir(pod_dir, "stage1/rootfs", 0755); !st) return st;
  // What stage1 keeps of its rootfs: rkt/ (statuses, readiness), bound on stage1/rootfs/rkt.
  if (auto st = make_dir(pod_dir, "stage1/rkt", 0755); !st) return st;
  if (auto st = write_new_file(pod_dir, "stage1/manifest", f.stage1.manifest, 0640); !st) {
    return st;
  }
  // stage1's overlay: the mount point of its scratch tmpfs (pod_start.cc); an app's uses the
  // subdirectories named after it of upper/ and work/.
  if (auto st = make_dir(pod_dir, "overlay/" + f.stage1.tree_id, 0755); !st) return st;
  for (const PodApp& a : f.apps) {
    const std::string info = "appsinfo/" + a.name;
    if (auto st = make_dir(pod_dir, info, 0750); !st) return st;
    if (auto st = write_new_file(pod_dir, info + "/manifest", a.tree.manifest, 0640); !st) {
      return st;
    }
    if (auto st = write_new_file(pod_dir, info + "/treeStoreID", a.tree.tree_id, 0640); !st) {
      return st;
    }
    const std::string ov = "overlay/" + a.tree.tree_id;
    if (auto st = make_dir(pod_dir, ov + "/upper/" + a.name, 0755); !st) return st;
    if (auto st = make_dir(pod_dir, ov + "/work/" + a.name, 0700); !st) return st;
  }
  for (const appc::Volume& v : f.volumes) {
    if (v.kind != appc::VolumeKind::kEmpty) continue;
    if (auto st = make_shared_volume(pod_dir, v); !st) return st;
  }
  return oslayer::ok();
}

}  // namespace stage0::run
