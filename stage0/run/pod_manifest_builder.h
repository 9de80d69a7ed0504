// The pod manifest stage0 writes (reference 3.4, stage1-interface.md "The pod directory"): each
// app's `app` section complete (image defaults merged with the command line), so that stage1 and
// stage2 never read an image manifest. Pure: images, flags and the environment come in as values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "appc-spec/pod_manifest.h"
#include "oslayer/result.h"
#include "stage0/run/app_env.h"
#include "stage0/run/run_args.h"

namespace stage0::run {

// An image of the command line, fetched: its ID and manifest.
struct ResolvedApp {
  AppArgs args;
  std::string image_id;  // sha512-<128 hex>
  appc::ImageManifest manifest;
};

struct PodSpec {
  std::string ac_version;                // appc's schema version
  std::vector<std::string> volumes;      // --volume, as typed
  std::vector<std::string> mounts;       // --mount before the first image: every app
  std::vector<std::string> annotations;  // --annotation NAME=VALUE before the first image
  std::vector<std::string> user_annotations;
  std::vector<std::string> user_labels;
  std::vector<std::string> ports;  // --port NAME:[HOSTIP:]HOSTPORT
  PodEnv env;
  std::vector<ResolvedApp> apps;
};

// --port NAME:[HOSTIP:]HOSTPORT: a host port for the app port named NAME.
oslayer::Result<appc::ExposedPort> parse_port_flag(const std::string& flag);

// The app name rkt derives from an image name: the last path element, sanitised to an AC Name.
oslayer::Result<appc::AcName> default_app_name(const appc::AcIdentifier& image_name);

// The appc "arch" label value of a uname(2) machine ("x86_64" -> "amd64"); "" if unknown.
std::string appc_arch_of(std::string_view machine);
// Refuses an image whose os/arch labels (when present) name another platform than `os`/`arch`.
oslayer::Status check_platform(const appc::ImageManifest& m, std::string_view os,
                               std::string_view arch);

// Builds and validates the manifest (by an encode/decode round trip). Errors name the image or
// flag at fault: a duplicate app name, an undefined volume, a bad --environment, ...
oslayer::Result<appc::PodManifest> build_pod_manifest(const PodSpec& spec);

// The pod's only annotation of its own: rkt's immutable-pod marker.
inline constexpr std::string_view kMutableAnnotation = "coreos.com/rkt/stage1/mutable";

}  // namespace stage0::run
