// Where the default stage1 image is (stage1-interface.md, "How stage0 finds the default
// stage1"): next to the running rkt binary, then the install path compiled in.
#pragma once

#include <string>
#include <vector>

namespace stage0::run {

inline constexpr const char* kStage1FileName = "stage1-rocket.aci";

// <dir of /proc/self/exe>/stage1-rocket.aci, then <libdir>/rkt/stage1-images/stage1-rocket.aci.
std::vector<std::string> default_stage1_candidates();

// The compiled-in images dir, <libdir>/rkt/stage1-images (--stage1-from-dir looks there).
std::string stage1_images_dir();

}  // namespace stage0::run
