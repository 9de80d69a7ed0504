#include "stage0/aci/digest.h"

// OpenSSL's SHA512_* functions are deprecated since 3.0 in favour of EVP, but kept, and they run
// the same assembly. EVP's first use initialises OpenSSL's providers and algorithm name tables:
// 1 to 2 ms of CPU, which every `rkt run` paid to hash a few image IDs into a tree ID, more than
// the rest of its work before stage1. The low-level functions need no initialisation.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace stage0::aci {

// SHA512_* fail only on a null context; an allocation failure leaves nothing to recover, and
// returning an error from a constructor would need exceptions, so it aborts.
Sha512::Sha512() : ctx_(new SHA512_CTX) {
  if (SHA512_Init(ctx_) != 1) std::abort();
}

Sha512::~Sha512() { delete ctx_; }

Sha512& Sha512::operator=(Sha512&& other) noexcept {
  if (this != &other) {
    delete ctx_;
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

void Sha512::update(std::string_view data) {
  if (data.empty()) return;
  if (SHA512_Update(ctx_, data.data(), data.size()) != 1) std::abort();
}

std::string Sha512::hex_final() {
  unsigned char md[SHA512_DIGEST_LENGTH];
  if (SHA512_Final(md, ctx_) != 1) std::abort();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof md);
  for (unsigned char c : md) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

oslayer::Result<std::string> hash_fd(int fd) {
  Sha512 sha;
  std::vector<char> buf(1 << 16);
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return oslayer::Error::sys(errno, "hashing file");
    }
    if (n == 0) break;
    sha.update(std::string_view(buf.data(), static_cast<size_t>(n)));
    offset += n;
  }
  return std::string(kImageIdPrefix) + sha.hex_final();
}

}  // namespace stage0::aci
