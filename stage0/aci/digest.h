// SHA-512, the one digest of appc: image IDs are "sha512-" + the hex digest of the uncompressed
// tar, and the store's tree hashes use it too.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"

struct SHA512state_st;

namespace stage0::aci {

// Streaming SHA-512 with OpenSSL's libcrypto. Move-only; the context is freed on scope exit.
class Sha512 {
 public:
  Sha512();
  ~Sha512();
  Sha512(const Sha512&) = delete;
  Sha512& operator=(const Sha512&) = delete;
  Sha512(Sha512&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  Sha512& operator=(Sha512&& other) noexcept;

  void update(std::string_view data);
  // 128 lower-case hex digits. The hash is finished: call no more update() afterwards.
  std::string hex_final();

 private:
  SHA512state_st* ctx_;
};

inline constexpr std::string_view kImageIdPrefix = "sha512-";

// "sha512-" + the SHA-512 of everything in `fd` from offset 0 (pread: the fd's position is
// neither used nor moved), e.g. to check a stored tar against its image ID.
oslayer::Result<std::string> hash_fd(int fd);

}  // namespace stage0::aci
