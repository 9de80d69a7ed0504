// Internal: the Volume object, shared by the pod manifest's volumes, a mount's appVolume and
// the --volume flag.
#pragma once

#include "appc-spec/json_reader.h"
#include "appc-spec/pod_manifest.h"

namespace appc::detail {

Result<Volume> decode_volume(const Reader& r);
Json encode_volume(const Volume& v);

}  // namespace appc::detail
