#include "oslayer/random_text.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>

namespace oslayer {

Status random_bytes(void* out, size_t size) {
  auto* p = static_cast<uint8_t*>(out);
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::getrandom(p + got, size - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::sys(errno, "getrandom");
    }
    got += static_cast<size_t>(n);
  }
  return ok();
}

Result<std::string> random_text(size_t length, std::string_view alphabet) {
  if (alphabet.empty() || alphabet.size() > 256) return Error::msg("random_text: bad alphabet");
  // Bytes at or above the largest multiple of the alphabet's size are drawn again, so that
  // every character is equally likely.
  const unsigned limit = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(length);
  uint8_t buf[64];
  while (out.size() < length) {
    if (auto s = random_bytes(buf, sizeof buf); !s) return std::move(s).error();
    for (uint8_t b : buf) {
      if (b >= limit) continue;
      out += alphabet[b % alphabet.size()];
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace oslayer
