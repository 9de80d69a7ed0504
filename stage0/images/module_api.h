// The interface between rkt and librkt-images.so, the module that holds everything needing
// libarchive, libcurl, libxml2 or gpgme (Documentation/architecture.md, "Loading the image
// code lazily"). rkt resolves the few heavy functions through this table on first use, so a
// command that never fetches, verifies or renders an image never maps those libraries.
//
// Both sides are built from the same sources by the same build, so the table carries C++ types;
// kImagesModuleAbi names the build, and a module from any other build is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/names.h"
#include "oslayer/result.h"
#include "stage0/aci/archive.h"
#include "stage0/aci/decompress.h"
#include "stage0/aci/extract.h"
#include "stage0/build_info.h"
#include "stage0/fetch/discovery.h"
#include "stage0/fetch/http.h"
#include "stage0/trust/verify.h"

namespace stage0::images {

// The rkt version, the compiler and the table's size: a module built elsewhere does not match.
inline constexpr const char* kImagesModuleAbi = ROCKET_RKT_VERSION " " __VERSION__;

struct ImagesModule {
  const char* abi;
  size_t size;  // sizeof(ImagesModule) as the module was compiled

  // The module has its own copy of oslayer's logger: rkt hands its settings over on load.
  void (*log_init)(std::string tag, bool debug);

  oslayer::Result<aci::Decompressed> (*decompress_to)(int in_fd, int out_fd, uint64_t max_size,
                                                      aci::GrowingFile* growing);
  oslayer::Result<aci::AciManifest> (*read_manifest)(int tar_fd);
  oslayer::Status (*extract)(int tar_fd, int dest_dir, const aci::ExtractOptions& options);

  oslayer::Result<fetch::HttpResult> (*http_get_to_fd)(const std::string& url, int out_fd,
                                                       const fetch::HttpOptions& options);
  oslayer::Result<std::string> (*http_get_to_string)(const std::string& url,
                                                     const fetch::HttpOptions& options);
  oslayer::Result<fetch::DiscoveryResult> (*discover)(const appc::AcIdentifier& name,
                                                      const fetch::DiscoveryLabels& labels,
                                                      fetch::DiscoveryWant want,
                                                      const fetch::HttpOptions& options);

  oslayer::Result<trust::KeyInfo> (*inspect_key)(std::string_view key);
  std::string (*format_fingerprint)(std::string_view fingerprint);
  oslayer::Result<trust::Signer> (*verify_detached)(const std::vector<trust::TrustedKey>& keys,
                                                    const appc::AcIdentifier& name, int signed_fd,
                                                    std::string_view signature);
  oslayer::Result<trust::Signer> (*find_signer)(const std::vector<trust::TrustedKey>& keys,
                                                int signed_fd, std::string_view signature);
};

// The module's one exported symbol.
inline constexpr const char* kImagesModuleEntry = "rocket_images_module";
extern "C" const ImagesModule* rocket_images_module();

}  // namespace stage0::images
