#include "stage0/trust/background_verify.h"

#include <fcntl.h>

#include <algorithm>
#include <system_error>

namespace stage0::trust {

oslayer::Result<std::unique_ptr<BackgroundVerify>> BackgroundVerify::start(TrustPaths paths,
                                                                           int signed_fd,
                                                                           std::string signature) {
  // A new open file description: gpg rewinds and reads its fd, which must not move the offset
  // the import reads `signed_fd` from. Works for a file with no name (O_TMPFILE) too.
  auto fd = oslayer::open_path("/proc/self/fd/" + std::to_string(signed_fd), O_RDONLY);
  if (!fd) return std::move(fd).error().context("opening the image again for its signature check");
  std::unique_ptr<BackgroundVerify> v(
      new BackgroundVerify(std::move(paths), std::move(*fd), std::move(signature)));
  // std::thread reports a failed pthread_create by throwing; our code throws nothing, so the
  // exception is turned into an error here, where the library is called.
  try {
    v->thread_ = std::thread([raw = v.get()] { raw->run(); });
  } catch (const std::system_error& e) {
    return oslayer::Error::sys(e.code().value(), "starting the signature check thread");
  }
  return v;
}

BackgroundVerify::~BackgroundVerify() { join(); }

void BackgroundVerify::join() {
  if (thread_.joinable()) thread_.join();
}

void BackgroundVerify::run() {
  auto keys = all_trusted_keys(paths_);
  if (!keys) {
    result_ = std::move(keys).error();
    return;
  }
  keys_ = std::move(*keys);
  // The same key trusted under several prefixes is imported once.
  std::vector<TrustedKey> distinct;
  for (const TrustedKey& k : keys_) {
    bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const TrustedKey& d) {
      return d.fingerprint == k.fingerprint && d.armored == k.armored;
    });
    if (!seen) distinct.push_back(k);
  }
  if (distinct.empty()) {
    result_ = oslayer::Error::msg("no keys are trusted");
    return;
  }
  result_ = find_signer(distinct, fd_.get(), signature_);
}

const oslayer::Result<Signer>& BackgroundVerify::result() {
  join();
  return result_;
}

std::optional<Signer> BackgroundVerify::signer_for(const std::vector<TrustedKey>& keys_for_name) {
  join();
  if (!result_) return std::nullopt;
  const std::string& signer = result_->fingerprint;
  auto mine = std::find_if(keys_for_name.begin(), keys_for_name.end(),
                           [&](const TrustedKey& k) { return k.fingerprint == signer; });
  if (mine == keys_for_name.end()) return std::nullopt;
  // gpg merged every copy of the key it was given; the verdict is the one verify_detached would
  // give only if each copy, here and among the keys for the name, is the same key material.
  // (The trust store may also have changed since the thread read it.)
  auto same = [&](const TrustedKey& k) {
    return k.fingerprint != signer || k.armored == mine->armored;
  };
  if (!std::all_of(keys_.begin(), keys_.end(), same) ||
      !std::all_of(keys_for_name.begin(), keys_for_name.end(), same)) {
    return std::nullopt;
  }
  return *result_;
}

}  // namespace stage0::trust
