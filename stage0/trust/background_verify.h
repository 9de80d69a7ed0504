// BackgroundVerify: the signature check of a fetched image, started on a thread of its own while
// the image is imported, so that gpg hashes the file while we decompress it instead of after.
//
// The keys to check against depend on the name in the image's manifest, which is only known
// once the import has read it (actool writes the manifest last). So the thread checks against
// every trusted key (all_trusted_keys) and finds the signer; once the name is known,
// signer_for() accepts that signer only if the same key, byte for byte, is among the keys
// trusted for the name. In every other case (no acceptable signature, a signer not trusted for
// the name, different copies of one key in different prefixes) it cannot tell, and the caller
// checks the usual way with verify_detached, whose verdict and message are the ones that count.
// An accepted result is thus one that verify_detached would have given too.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"
#include "stage0/trust/trust_store.h"
#include "stage0/trust/verify.h"

namespace stage0::trust {

class BackgroundVerify {
 public:
  // Opens the file behind `signed_fd` again (an open file description of its own, so the caller
  // keeps reading `signed_fd` from its own offset) and starts the thread.
  static oslayer::Result<std::unique_ptr<BackgroundVerify>> start(TrustPaths paths, int signed_fd,
                                                                  std::string signature);

  // Joins the thread: a failed import must not leave it running (it waits for gpg to finish).
  ~BackgroundVerify();
  BackgroundVerify(const BackgroundVerify&) = delete;
  BackgroundVerify& operator=(const BackgroundVerify&) = delete;

  // Waits for the thread. The signer when the check proves that one of `keys_for_name` (what
  // keys_for_name returned for the image's name) signed the file; nullopt when it cannot tell.
  std::optional<Signer> signer_for(const std::vector<TrustedKey>& keys_for_name);

  // Waits for the thread; the thread's own result (for tests and debug messages).
  const oslayer::Result<Signer>& result();

 private:
  BackgroundVerify(TrustPaths paths, oslayer::Fd fd, std::string signature)
      : paths_(std::move(paths)), fd_(std::move(fd)), signature_(std::move(signature)) {}
  void run();
  void join();

  const TrustPaths paths_;
  const oslayer::Fd fd_;
  const std::string signature_;
  // Written by the thread, read only after join().
  std::vector<TrustedKey> keys_;
  oslayer::Result<Signer> result_ = oslayer::Error::msg("the signature check did not run");
  std::thread thread_;
};

}  // namespace stage0::trust
