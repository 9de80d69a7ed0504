// Writing a pod's directory (stage1-interface.md, "The pod directory"), every path created
// beneath the pod dir fd with no symlink followed, so nothing can redirect a write elsewhere.
#pragma once

#include <string>
#include <vector>

#include "appc-spec/pod_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace stage0::run {

struct PodTree {
  std::string tree_id;   // deps-sha512-...
  std::string manifest;  // the image manifest JSON, as stored
};

struct PodApp {
  std::string name;  // the app's AC Name
  PodTree tree;
};

struct PodFiles {
  std::string pod_manifest;  // encoded
  PodTree stage1;
  std::vector<PodApp> apps;
  std::vector<appc::Volume> volumes;  // kind=empty ones get sharedVolumes/<name>
};

// Writes every file stage0 owns at prepare time into the pod dir `pod_dir`: pod, pod-created,
// stage1TreeStoreID, stage1/{manifest,rootfs/}, appsinfo/, overlay/ and sharedVolumes/.
oslayer::Status write_pod_files(int pod_dir, const PodFiles& files);

// Creates `path` (relative to `dir`, parents must exist) with `data`; fails if it exists.
oslayer::Status write_new_file(int dir, const std::string& path, std::string_view data,
                               mode_t mode);

// Reads a small file of the pod dir (an ID, a manifest), beneath `pod_dir`.
oslayer::Result<std::string> read_pod_file(int pod_dir, const std::string& path);

}  // namespace stage0::run
