// The Pod Manifest (spec/pods.md): decode from bytes, validate, encode back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/types.h"

namespace appc {

enum class VolumeKind { kHost, kEmpty };

struct Volume {
  AcName name;
  VolumeKind kind = VolumeKind::kEmpty;
  std::string source;               // host: an absolute path; empty: unset
  std::optional<bool> read_only;    // unset: false
  std::optional<bool> recursive;    // host only; unset: recursive
  std::optional<std::string> mode;  // empty only; filled with "0755" when decoded
  std::optional<int64_t> uid, gid;  // empty only; filled with 0 when decoded
  bool operator==(const Volume&) const = default;
};

struct Mount {
  AcName volume;
  std::string path;
  std::optional<Volume> app_volume;
  bool operator==(const Mount&) const = default;
};

struct RuntimeImage {
  std::optional<ImageId> id;  // required once the pod is reified; templates may leave it out
  std::optional<AcIdentifier> name;
  Labels labels;
  bool operator==(const RuntimeImage&) const = default;
};

struct RuntimeApp {
  AcName name;
  RuntimeImage image;
  std::optional<App> app;
  bool read_only_root_fs = false;
  std::vector<Mount> mounts;
  Annotations annotations;
  bool operator==(const RuntimeApp&) const = default;
};

struct ExposedPort {
  AcName name;
  uint16_t host_port = 0;
  std::string host_ip;  // empty: all addresses
  std::optional<Port> pod_port;
  bool operator==(const ExposedPort&) const = default;
};

struct PodManifest {
  SemVer ac_version;
  std::vector<RuntimeApp> apps;
  std::vector<Volume> volumes;
  std::vector<Isolator> isolators;
  Annotations annotations;
  std::vector<ExposedPort> ports;
  StringMap user_annotations;
  StringMap user_labels;
  bool operator==(const PodManifest&) const = default;
};

Result<PodManifest> decode_pod_manifest(std::string_view json);
Status validate_pod_manifest(const PodManifest& m);
std::string encode_pod_manifest(const PodManifest& m, int indent = -1);
// Parses rkt's --volume syntax: "NAME,kind=host,source=/p,readOnly=true,recursive=false" or
// "NAME,kind=empty,mode=0700,uid=1,gid=2".
Result<Volume> parse_volume_flag(std::string_view s);

}  // namespace appc
