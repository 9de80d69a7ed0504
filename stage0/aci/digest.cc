#include "stage0/aci/digest.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace stage0::aci {

// The EVP calls fail only when OpenSSL cannot allocate or SHA-512 is missing from the build;
// neither leaves anything to recover, and returning an error from a constructor would need
// exceptions, so they abort.
Sha512::Sha512() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha512(), nullptr) != 1) std::abort();
}

Sha512::~Sha512() { EVP_MD_CTX_free(ctx_); }

Sha512& Sha512::operator=(Sha512&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

void Sha512::update(std::string_view data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) std::abort();
}

std::string Sha512::hex_final() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, md, &len) != 1) std::abort();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
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
