// OpenPGP ASCII armor (RFC 4880 section 6) for public keys. rkt's trust store holds armored keys
// only (rkt read them with ReadArmoredKeyRing), so a binary key given to `rkt trust` is armored
// before it is stored. Pure: bytes in, text out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stage0::trust {

// True when `data` holds an armored block ("-----BEGIN PGP ...").
bool is_armored(std::string_view data);

// The CRC-24 of RFC 4880 section 6.1, carried in the armor's checksum line.
uint32_t crc24(std::string_view data);

// A "PGP PUBLIC KEY BLOCK" around binary key packets: base64 in lines of 64 characters and the
// checksum, as gpg --armor --export writes it.
std::string armor_public_key(std::string_view binary);

}  // namespace stage0::trust
