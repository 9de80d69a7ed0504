// Which volume goes where in an app (appc pods.md): the app's `mounts` in the pod manifest,
// then each of the image's mountPoints that a pod volume of the same name fills. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"

namespace stage1 {

struct VolumeMount {
  std::string volume;
  appc::VolumeKind kind = appc::VolumeKind::kEmpty;
  // host: the host path; empty: the pod-dir-relative "sharedVolumes/<volume>".
  std::string source;
  std::string target;  // absolute, inside the app
  bool read_only = false;
  bool recursive = true;
  // empty volumes: how to create the directory if stage0 did not.
  mode_t mode = 0755;
  uid_t uid = 0;
  gid_t gid = 0;
  bool operator==(const VolumeMount&) const = default;
};

oslayer::Result<std::vector<VolumeMount>> plan_volumes(const appc::PodManifest& pod,
                                                       const appc::RuntimeApp& app);

}  // namespace stage1
