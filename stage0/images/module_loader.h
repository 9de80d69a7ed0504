// Finding and loading librkt-images.so, once per process, on the first call that needs it.
#pragma once

#include "oslayer/result.h"
#include "stage0/images/module_api.h"

namespace stage0::images {

// The module next to the running binary (a build tree), else the one at the install path
// (<libdir>/rocket) relative to the binary (a relocated or DESTDIR install), else the one at the
// absolute install path. Loading failures are remembered: every later call gets the same error.
oslayer::Result<const ImagesModule*> images_module();

}  // namespace stage0::images
