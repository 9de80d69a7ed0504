// libFuzzer target over both manifest decoders. Besides crashes and sanitizer reports, it checks
// the round trip: whatever decodes must encode to text that decodes to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appc-spec/image_manifest.h"
#include "appc-spec/pod_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto image = appc::decode_image_manifest(text)) {
    auto again = appc::decode_image_manifest(appc::encode_image_manifest(*image));
    if (!again || !(*again == *image)) std::abort();
    if (!appc::validate_image_manifest(*image)) std::abort();
  }
  if (auto pod = appc::decode_pod_manifest(text)) {
    auto again = appc::decode_pod_manifest(appc::encode_pod_manifest(*pod));
    if (!again || !(*again == *pod)) std::abort();
    if (!appc::validate_pod_manifest(*pod)) std::abort();
  }
  return 0;
}
