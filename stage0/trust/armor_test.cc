#include "stage0/trust/armor.h"

#include <gtest/gtest.h>

#include "stage0/trust/test_gpg.h"
#include "stage0/trust/verify.h"

namespace stage0::trust {
namespace {

TEST(Armor, Crc24CheckValues) {
  EXPECT_EQ(crc24(""), 0xB704CEu);           // the initial value
  EXPECT_EQ(crc24("123456789"), 0x21CF02u);  // CRC-24/OPENPGP's published check value
}

TEST(Armor, DetectsArmor) {
  EXPECT_TRUE(is_armored("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc"));
  EXPECT_TRUE(is_armored("junk before\n-----BEGIN PGP SIGNATURE-----\n"));
  EXPECT_FALSE(is_armored(std::string("\x99\x01\x0d", 3)));
  EXPECT_FALSE(is_armored(""));
}

TEST(Armor, MatchesGpgAndReadsBack) {
  testing::SigningKeyring ring;
  const std::string fpr = ring.generate("Armor <armor@example.com>");
  ASSERT_FALSE(fpr.empty());
  const std::string binary = ring.export_public(fpr, false);
  const std::string armored = ring.export_public(fpr, true);
  ASSERT_FALSE(binary.empty());
  ASSERT_FALSE(is_armored(binary));
  // gpg 2.2 writes no armor headers, so the texts are identical byte for byte.
  EXPECT_EQ(armor_public_key(binary), armored);
  auto info = inspect_key(armor_public_key(binary));
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(info->fingerprint, fpr);
}

TEST(Armor, PadsEveryLength) {
  // One, two and three bytes in the last group, and an exact 48-byte (64-character) line.
  EXPECT_NE(armor_public_key("a").find("\nYQ==\n"), std::string::npos);
  EXPECT_NE(armor_public_key("ab").find("\nYWI=\n"), std::string::npos);
  EXPECT_NE(armor_public_key("abc").find("\nYWJj\n"), std::string::npos);
  std::string line;
  for (int i = 0; i < 16; ++i) line += "eHh4";  // base64("xxx")
  const std::string text = armor_public_key(std::string(48, 'x'));
  EXPECT_NE(text.find("\n\n" + line + "\n="), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("-----END PGP PUBLIC KEY BLOCK-----\n"));
}

}  // namespace
}  // namespace stage0::trust
