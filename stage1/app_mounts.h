// The filesystems of one app (stage1-interface.md, "Starting an app"): /proc with the kernel's
// sensitive files masked, /sys read-only, a fresh /dev, /etc/hosts and /etc/resolv.conf, and
// the app's volumes. Runs in the app's own, fresh mount namespace, before the pivot into the
// app's root. Every target is resolved beneath the root's fd and every mount is made by fd.
#pragma once

#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage1/etc_files.h"
#include "stage1/volumes.h"

namespace stage1 {

struct AppFilesystems {
  bool disable_paths = false;
  bool console_is_stdin = false;  // --interactive with a terminal on stdin
  std::vector<VolumeMount> volumes;
  std::string hosts_file;  // pod-dir-relative file bound read-only on /etc/hosts
  ResolvSource resolv = ResolvSource::kImage;
  std::string resolv_file;  // pod-dir-relative, for kGenerated
};

// `rootfs` is the app's root directory (a mount point); the current directory is the pod dir.
oslayer::Status mount_app_filesystems(int rootfs, const AppFilesystems& fs);

}  // namespace stage1
