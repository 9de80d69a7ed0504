#include "stage0/pods/uuid.h"

#include <cstdint>

#include "oslayer/random_text.h"

namespace stage0::pods {
namespace {

constexpr size_t kUuidLength = 36;

bool dash_at(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }
bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

oslayer::Result<std::string> new_uuid() {
  uint8_t b[16];
  if (auto s = oslayer::random_bytes(b, sizeof b); !s) return std::move(s).error();
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kUuidLength);
  for (size_t i = 0; i < sizeof b; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0f];
  }
  return out;
}

bool is_uuid(std::string_view s) {
  if (s.size() != kUuidLength) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (dash_at(i) ? s[i] != '-' : !lower_hex(s[i])) return false;
  }
  return true;
}

oslayer::Status check_uuid_prefix(std::string_view s) {
  bool ok = !s.empty() && s.size() <= kUuidLength;
  for (size_t i = 0; ok && i < s.size(); ++i) {
    ok = dash_at(i) ? s[i] == '-' : lower_hex(s[i]);
  }
  if (!ok) {
    return oslayer::Error::msg("\"" + std::string(s) +
                               "\" is not a pod UUID (lowercase hex, 8-4-4-4-12, or a prefix)");
  }
  return oslayer::ok();
}

}  // namespace stage0::pods
