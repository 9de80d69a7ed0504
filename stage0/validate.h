// `rkt validate FILE...`: a Rocket extension in the spirit of `actool validate`. Checks image and
// pod manifests with the same decoders the runtime uses, so a manifest that passes here is one
// Rocket will accept.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0 {

// For a valid manifest, what the "ok" line says about it: "ImageManifest NAME" or
// "PodManifest, N apps". The acKind field picks the decoder, so the error is the decoder's own,
// naming the JSON path (a manifest with no or a bad acKind is reported as an image manifest).
oslayer::Result<std::string> describe_manifest(std::string_view json);

}  // namespace stage0
