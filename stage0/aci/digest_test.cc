#include "stage0/aci/digest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "stage0/aci/test_support.h"

namespace stage0::aci {
namespace {

constexpr char kEmpty[] =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d28"
    "77eec2f63b931bd47417a81a538327af927da3e";
constexpr char kAbc[] =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a"
    "3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(Sha512, KnownVectors) {
  Sha512 empty;
  EXPECT_EQ(empty.hex_final(), kEmpty);
  Sha512 abc;
  abc.update("abc");
  EXPECT_EQ(abc.hex_final(), kAbc);
}

TEST(Sha512, StreamingEqualsOneShot) {
  Sha512 parts;
  parts.update("a");
  parts.update("");
  parts.update("bc");
  EXPECT_EQ(parts.hex_final(), kAbc);
  Sha512 moved_from;
  moved_from.update("ab");
  Sha512 moved(std::move(moved_from));
  moved.update("c");
  EXPECT_EQ(moved.hex_final(), kAbc);
}

TEST(HashFd, HashesFromOffsetZeroWhateverThePosition) {
  testing::TempDir tmp;
  {
    auto fd = oslayer::open_path(tmp / "f", O_WRONLY | O_CREAT, 0644);
    ASSERT_TRUE(fd);
    ASSERT_TRUE(oslayer::write_all(fd->get(), "abc"));
  }
  auto fd = testing::open_read(tmp / "f");
  ASSERT_EQ(::lseek(fd.get(), 2, SEEK_SET), 2);
  auto id = hash_fd(fd.get());
  ASSERT_TRUE(id) << id.error().text();
  EXPECT_EQ(*id, std::string("sha512-") + kAbc);
  EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 2);
}

}  // namespace
}  // namespace stage0::aci
