#include "stage0/trust/armor.h"

namespace stage0::trust {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(data[i]) << 16) |
                       (static_cast<uint8_t>(data[i + 1]) << 8) | static_cast<uint8_t>(data[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += kBase64[n & 63];
  }
  if (const size_t rest = data.size() - i; rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << 16;
    if (rest == 2) n |= static_cast<uint32_t>(static_cast<uint8_t>(data[i + 1])) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += rest == 2 ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

bool is_armored(std::string_view data) {
  return data.find("-----BEGIN PGP ") != std::string_view::npos;
}

uint32_t crc24(std::string_view data) {
  constexpr uint32_t kInit = 0xB704CE;
  constexpr uint32_t kPoly = 0x1864CFB;
  uint32_t crc = kInit;
  for (const char c : data) {
    crc ^= static_cast<uint32_t>(static_cast<uint8_t>(c)) << 16;
    for (int bit = 0; bit < 8; ++bit) {
      crc <<= 1;
      if ((crc & 0x1000000) != 0) crc ^= kPoly;
    }
  }
  return crc & 0xFFFFFF;
}

std::string armor_public_key(std::string_view binary) {
  std::string out = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n";
  const std::string body = base64(binary);
  for (size_t i = 0; i < body.size(); i += 64) {
    out.append(body, i, 64);
    out += '\n';
  }
  const uint32_t crc = crc24(binary);
  const char crc_bytes[3] = {static_cast<char>((crc >> 16) & 0xFF),
                             static_cast<char>((crc >> 8) & 0xFF), static_cast<char>(crc & 0xFF)};
  out += "=" + base64(std::string_view(crc_bytes, 3)) + "\n";
  out += "-----END PGP PUBLIC KEY BLOCK-----\n";
  return out;
}

}  // namespace stage0::trust
