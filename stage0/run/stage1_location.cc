#include "stage0/run/stage1_location.h"

#include <unistd.h>

#include <climits>

namespace stage0::run {

std::string stage1_images_dir() { return ROCKET_STAGE1_IMAGES_DIR; }

std::vector<std::string> default_stage1_candidates() {
  std::vector<std::string> out;
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    std::string exe(buf, static_cast<size_t>(n));
    const size_t slash = exe.rfind('/');
    if (slash != std::string::npos) out.push_back(exe.substr(0, slash + 1) + kStage1FileName);
  }
  out.push_back(stage1_images_dir() + "/" + kStage1FileName);
  return out;
}

}  // namespace stage0::run
