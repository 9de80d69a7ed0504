#include "stage1/volumes.h"

#include <algorithm>

namespace stage1 {
namespace {

using oslayer::Error;

const appc::Volume* find_volume(const appc::PodManifest& pod, const appc::AcName& name) {
  for (const auto& v : pod.volumes) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

oslayer::Result<VolumeMount> make_mount(const appc::Volume& v, const std::string& target,
                                        bool read_only) {
  VolumeMount m;
  m.volume = v.name.str();
  m.kind = v.kind;
  m.target = target;
  m.read_only = read_only || v.read_only.value_or(false);
  if (v.kind == appc::VolumeKind::kHost) {
    if (v.source.empty() || v.source[0] != '/') {
      return Error::msg("volume " + m.volume + ": source must be an absolute host path");
    }
    m.source = v.source;
    m.recursive = v.recursive.value_or(true);
  } else {
    m.source = "sharedVolumes/" + m.volume;
    m.recursive = false;
    if (v.mode) {
      unsigned long mode = 0;
      for (char c : *v.mode) {
        if (c < '0' || c > '7') return Error::msg("volume " + m.volume + ": bad mode " + *v.mode);
        mode = mode * 8 + static_cast<unsigned long>(c - '0');
      }
      if (mode > 07777) return Error::msg("volume " + m.volume + ": bad mode " + *v.mode);
      m.mode = static_cast<mode_t>(mode);
    }
    m.uid = static_cast<uid_t>(v.uid.value_or(0));
    m.gid = static_cast<gid_t>(v.gid.value_or(0));
  }
  if (target.empty() || target[0] != '/') {
    return Error::msg("volume " + m.volume + ": mount path \"" + target + "\" is not absolute");
  }
  return m;
}

}  // namespace

oslayer::Result<std::vector<VolumeMount>> plan_volumes(const appc::PodManifest& pod,
                                                       const appc::RuntimeApp& app) {
  std::vector<VolumeMount> out;
  const std::vector<appc::MountPoint> no_points;
  const auto& points = app.app ? app.app->mount_points : no_points;
  auto point_read_only = [&](const appc::AcName& name) {
    return std::any_of(points.begin(), points.end(),
                       [&](const appc::MountPoint& p) { return p.name == name && p.read_only; });
  };
  for (const auto& m : app.mounts) {
    const appc::Volume* v = m.app_volume ? &*m.app_volume : find_volume(pod, m.volume);
    if (v == nullptr) {
      return Error::msg("app " + app.name.str() + ": mount of unknown volume " + m.volume.str());
    }
    auto vm = make_mount(*v, m.path, point_read_only(m.volume));
    if (!vm) return std::move(vm).error().context("app " + app.name.str());
    out.push_back(std::move(*vm));
  }
  for (const auto& p : points) {
    bool covered = std::any_of(app.mounts.begin(), app.mounts.end(),
                               [&](const appc::Mount& m) { return m.volume == p.name; });
    if (covered) continue;
    const appc::Volume* v = find_volume(pod, p.name);
    if (v == nullptr) {
      return Error::msg("app " + app.name.str() + ": mount point " + p.name.str() +
                        " has no volume in the pod");
    }
    auto vm = make_mount(*v, p.path, p.read_only);
    if (!vm) return std::move(vm).error().context("app " + app.name.str());
    out.push_back(std::move(*vm));
  }
  return out;
}

}  // namespace stage1
