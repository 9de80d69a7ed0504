// Recursive removal with *at calls that never follow a symlink, for trees that came from images
// (a rendered rootfs may hold symlinks to anywhere).
#pragma once

#include <string>

#include "oslayer/result.h"

namespace oslayer {

// Removes `name` (relative to directory fd `dir`) and everything below it. A missing `name` is
// not an error. Mount points below are not crossed: removal fails with EBUSY there.
Status remove_tree(int dir, const std::string& name);

}  // namespace oslayer
