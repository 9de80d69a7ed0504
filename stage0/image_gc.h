// Image garbage collection, shared by `rkt image gc` and `rkt image rm`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "oslayer/result.h"
#include "stage0/store/store.h"

namespace stage0 {

// Removes the image's rendered trees (marker first), then its record and blob.
oslayer::Status remove_image(store::Store& store, const std::string& id);

struct GcReport {
  std::vector<std::string> lines;  // what was removed, for stdout
  size_t failures = 0;             // each one already logged
};

// Trees that no pod under <data_dir>/pods references and whose image is gone or unused for
// `grace`; images unused for `grace`; blobs without a record (an interrupted removal); trees
// without their completeness marker (an interrupted render).
oslayer::Result<GcReport> collect_image_garbage(store::Store& store, const std::string& data_dir,
                                                std::chrono::nanoseconds grace);

}  // namespace stage0
