// librkt-images.so: the table rkt loads (module_api.h). The functions are the real ones, from
// the same static libraries the unit tests link.
#include "oslayer/log.h"
#include "stage0/images/module_api.h"

namespace stage0::images {

extern "C" const ImagesModule* rocket_images_module() {
  static const ImagesModule kModule{
      .abi = kImagesModuleAbi,
      .size = sizeof(ImagesModule),
      .log_init = oslayer::log_init,
      .decompress_to = aci::decompress_to,
      .read_manifest = aci::read_manifest,
      .extract = aci::extract,
      .http_get_to_fd = fetch::http_get_to_fd,
      .http_get_to_string = fetch::http_get_to_string,
      .discover = fetch::discover,
      .inspect_key = trust::inspect_key,
      .format_fingerprint = trust::format_fingerprint,
      .verify_detached = trust::verify_detached,
      .find_signer = trust::find_signer,
  };
  return &kModule;
}

}  // namespace stage0::images
