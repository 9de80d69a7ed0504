// The Image Manifest (spec/aci.md): decode from bytes, validate, encode back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/types.h"

namespace appc {

struct Dependency {
  AcIdentifier image_name;
  std::optional<ImageId> image_id;
  Labels labels;
  std::optional<uint64_t> size;
  bool operator==(const Dependency&) const = default;
};

struct ImageManifest {
  SemVer ac_version;
  AcIdentifier name;
  Labels labels;
  std::optional<App> app;
  std::vector<Dependency> dependencies;
  std::vector<std::string> path_whitelist;
  Annotations annotations;
  bool operator==(const ImageManifest&) const = default;
};

// Manifests larger than this are refused before parsing: they come from untrusted images.
inline constexpr size_t kMaxManifestSize = 1 << 20;

// Errors name the JSON path and the rule: "app.exec[0]: must not be empty".
Result<ImageManifest> decode_image_manifest(std::string_view json);
Status validate_image_manifest(const ImageManifest& m);
// Compact JSON in the reference implementation's field order; `indent` > 0 pretty-prints.
std::string encode_image_manifest(const ImageManifest& m, int indent = -1);

}  // namespace appc
