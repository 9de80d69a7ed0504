// rkt's definitions of the heavy functions (module_api.h): each loads librkt-images.so on first
// use and calls the real one there. The unit tests link the real definitions instead.
#include "stage0/images/module_loader.h"

namespace stage0 {
namespace {

// Calls `fn` of the loaded module, or returns the loading error as the call's failure.
template <typename R, typename F>
R call(F fn) {
  auto m = images::images_module();
  if (!m) return R(std::move(m).error());
  return fn(**m);
}

}  // namespace

namespace aci {

oslayer::Result<Decompressed> decompress_to(int in_fd, int out_fd, uint64_t max_size,
                                            GrowingFile* growing) {
  return call<oslayer::Result<Decompressed>>([&](const images::ImagesModule& m) {
    return m.decompress_to(in_fd, out_fd, max_size, growing);
  });
}

oslayer::Result<AciManifest> read_manifest(int tar_fd) {
  return call<oslayer::Result<AciManifest>>(
      [&](const images::ImagesModule& m) { return m.read_manifest(tar_fd); });
}

oslayer::Status extract(int tar_fd, int dest_dir, const ExtractOptions& options) {
  return call<oslayer::Status>(
      [&](const images::ImagesModule& m) { return m.extract(tar_fd, dest_dir, options); });
}

}  // namespace aci

namespace fetch {

oslayer::Result<HttpResult> http_get_to_fd(const std::string& url, int out_fd,
                                           const HttpOptions& options) {
  return call<oslayer::Result<HttpResult>>(
      [&](const images::ImagesModule& m) { return m.http_get_to_fd(url, out_fd, options); });
}

oslayer::Result<std::string> http_get_to_string(const std::string& url,
                                                const HttpOptions& options) {
  return call<oslayer::Result<std::string>>(
      [&](const images::ImagesModule& m) { return m.http_get_to_string(url, options); });
}

oslayer::Result<DiscoveryResult> discover(const appc::AcIdentifier& name,
                                          const DiscoveryLabels& labels, DiscoveryWant want,
                                          const HttpOptions& options) {
  return call<oslayer::Result<DiscoveryResult>>(
      [&](const images::ImagesModule& m) { return m.discover(name, labels, want, options); });
}

}  // namespace fetch

namespace trust {

oslayer::Result<KeyInfo> inspect_key(std::string_view key) {
  return call<oslayer::Result<KeyInfo>>(
      [&](const images::ImagesModule& m) { return m.inspect_key(key); });
}

std::string format_fingerprint(std::string_view fingerprint) {
  auto m = images::images_module();
  // Only ever called on a fingerprint inspect_key returned, so the module is loaded by then.
  if (!m) return std::string(fingerprint);
  return (*m)->format_fingerprint(fingerprint);
}

oslayer::Result<Signer> verify_detached(const std::vector<TrustedKey>& keys,
                                        const appc::AcIdentifier& name, int signed_fd,
                                        std::string_view signature) {
  return call<oslayer::Result<Signer>>([&](const images::ImagesModule& m) {
    return m.verify_detached(keys, name, signed_fd, signature);
  });
}

oslayer::Result<Signer> find_signer(const std::vector<TrustedKey>& keys, int signed_fd,
                                    std::string_view signature) {
  return call<oslayer::Result<Signer>>(
      [&](const images::ImagesModule& m) { return m.find_signer(keys, signed_fd, signature); });
}

}  // namespace trust
}  // namespace stage0
