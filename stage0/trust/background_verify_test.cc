#include "stage0/trust/background_verify.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "oslayer/fd.h"
#include "stage0/trust/test_gpg.h"

namespace stage0::trust {
namespace {

appc::AcIdentifier id(std::string_view s) {
  auto parsed = appc::AcIdentifier::parse(s);
  EXPECT_TRUE(parsed) << s;
  return *parsed;
}

size_t thread_count() {
  size_t n = 0;
  DIR* d = ::opendir("/proc/self/task");
  if (d == nullptr) return 0;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n;
}

// Two keys made once: one trusted for example.com, one for other.org.
class BackgroundVerifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ring_ = new testing::SigningKeyring();
    mine_ = ring_->generate("Mine <mine@example.com>");
    theirs_ = ring_->generate("Theirs <theirs@other.org>");
  }
  static void TearDownTestSuite() {
    delete ring_;
    ring_ = nullptr;
  }
  void SetUp() override {
    paths_.system_config = tmp_.path() + "/sys";
    paths_.local_config = tmp_.path() + "/etc";
    image_ = tmp_.write("image.aci", std::string(3 << 20, 'x'));
  }
  void trust(const std::string& prefix, const std::string& fpr) {
    const std::string dir = prefix.empty() ? "root.d" : "prefix.d/" + prefix;
    tmp_.write("etc/trustedkeys/" + dir + "/" + fpr, ring_->export_public(fpr));
  }
  std::unique_ptr<BackgroundVerify> start(const std::string& signature) {
    auto fd = oslayer::open_path(image_, O_RDONLY);
    EXPECT_TRUE(fd);
    if (!fd) return nullptr;
    auto v = BackgroundVerify::start(paths_, fd->get(), signature);
    EXPECT_TRUE(v) << v.error().text();
    return v ? std::move(*v) : nullptr;
  }
  std::vector<TrustedKey> keys_for(std::string_view name) {
    auto keys = keys_for_name(paths_, id(name));
    EXPECT_TRUE(keys) << keys.error().text();
    return keys ? std::move(*keys) : std::vector<TrustedKey>{};
  }

  static testing::SigningKeyring* ring_;
  static std::string mine_, theirs_;
  testing::TempDir tmp_;
  TrustPaths paths_;
  std::string image_;
};

testing::SigningKeyring* BackgroundVerifyTest::ring_ = nullptr;
std::string BackgroundVerifyTest::mine_;
std::string BackgroundVerifyTest::theirs_;

TEST_F(BackgroundVerifyTest, SignerTrustedForTheNameIsAccepted) {
  trust("example.com", mine_);
  trust("other.org", theirs_);
  auto v = start(ring_->sign(mine_, image_));
  ASSERT_TRUE(v);
  auto signer = v->signer_for(keys_for("example.com/app"));
  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->fingerprint, mine_);
}

// The thread finds a good signature, but by a key trusted for another name: it cannot settle
// the check, so the caller runs verify_detached, which refuses.
TEST_F(BackgroundVerifyTest, SignerTrustedForAnotherNameIsNotAccepted) {
  trust("example.com", mine_);
  trust("other.org", theirs_);
  auto v = start(ring_->sign(theirs_, image_));
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->result()) << v->result().error().text();
  EXPECT_EQ(v->result()->fingerprint, theirs_);
  EXPECT_FALSE(v->signer_for(keys_for("example.com/app")));
}

TEST_F(BackgroundVerifyTest, SignatureOverOtherBytesIsNotAccepted) {
  trust("", mine_);
  const std::string other = tmp_.write("other.aci", "other bytes");
  auto v = start(ring_->sign(mine_, other));
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->result());
  EXPECT_FALSE(v->signer_for(keys_for("example.com/app")));
}

TEST_F(BackgroundVerifyTest, NoTrustedKeysIsNotAccepted) {
  auto v = start(ring_->sign(mine_, image_));
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->result());
  EXPECT_FALSE(v->signer_for({}));
}

// The key for the name differs from the copy the thread used (the trust store changed while it
// ran, or two prefixes hold different copies): gpg's verdict was about other key material.
TEST_F(BackgroundVerifyTest, DifferentCopyOfTheKeyIsNotAccepted) {
  trust("example.com", mine_);
  auto v = start(ring_->sign(mine_, image_));
  ASSERT_TRUE(v);
  std::vector<TrustedKey> keys = keys_for("example.com/app");
  ASSERT_EQ(keys.size(), 1u);
  ASSERT_TRUE(v->signer_for(keys));
  keys[0].armored = ring_->export_public(mine_, /*armored=*/false);
  EXPECT_FALSE(v->signer_for(keys));
}

// The thread reads the file through its own open file description: the caller's offset is its
// own, as the import reads the same fd meanwhile.
TEST_F(BackgroundVerifyTest, CallerOffsetIsUntouched) {
  trust("", mine_);
  auto fd = oslayer::open_path(image_, O_RDONLY);
  ASSERT_TRUE(fd);
  ASSERT_EQ(::lseek(fd->get(), 12345, SEEK_SET), 12345);
  auto v = BackgroundVerify::start(paths_, fd->get(), ring_->sign(mine_, image_));
  ASSERT_TRUE(v);
  ASSERT_TRUE((*v)->result());
  EXPECT_EQ(::lseek(fd->get(), 0, SEEK_CUR), 12345);
}

// An import that fails while the thread runs drops the check: the destructor joins the thread,
// so none is left behind, and the caller's fd can be closed at once.
TEST_F(BackgroundVerifyTest, DroppedWhileRunningLeavesNoThread) {
  trust("", mine_);
  const size_t before = thread_count();
  {
    auto v = start(ring_->sign(mine_, image_));
    ASSERT_TRUE(v);
    EXPECT_GT(thread_count(), before);
  }
  EXPECT_EQ(thread_count(), before);
}

}  // namespace
}  // namespace stage0::trust
