#include "stage0/trust/verify.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "oslayer/fd.h"
#include "stage0/trust/test_gpg.h"

namespace stage0::trust {
namespace {

appc::AcIdentifier id(std::string_view s) {
  auto parsed = appc::AcIdentifier::parse(s);
  EXPECT_TRUE(parsed) << s;
  return *parsed;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Keys and signatures made once for the suite: a good key, a stranger's key, a key that expired
// in 2020, a revoked key, a key that signs with a subkey, and one whose signatures expire.
class Verify : public ::testing::Test {
 protected:
  struct Keys {
    testing::SigningKeyring ring;
    testing::TempDir dir;
    std::string good, stranger, expired, revoked, primary, subkey, sig_expiry;
    std::string file, other_file;  // the "image" and a different one
  };

  static void SetUpTestSuite() {
    k_ = new Keys();
    Keys& k = *k_;
    k.good = k.ring.generate("Good Signer <good@example.com>");
    k.stranger = k.ring.generate("Stranger <stranger@example.org>");
    // Made on 2020-01-01 with a lifetime of one day.
    k.expired = k.ring.generate("Expired <expired@example.com>", "ed25519 sign 1d",
                                {"--faked-system-time", "20200101T000000"});
    k.revoked = k.ring.generate("Revoked <revoked@example.com>");
    k.primary = k.ring.generate("Subkey Signer <sub@example.com>", "ed25519 cert 1y");
    k.subkey = k.ring.add_signing_subkey(k.primary);
    k.sig_expiry = k.ring.generate("Sig Expiry <sigexp@example.com>", "ed25519 sign never",
                                   {"--faked-system-time", "20200101T000000"});
    k.file = k.dir.write("image.aci", "pretend this is an ACI\n");
    k.other_file = k.dir.write("other.aci", "pretend this is another ACI\n");
  }
  static void TearDownTestSuite() {
    delete k_;
    k_ = nullptr;
  }

  static TrustedKey trusted(const std::string& fpr, const std::string& prefix = "example.com") {
    return TrustedKey{fpr, prefix, "/test/" + fpr, k_->ring.export_public(fpr)};
  }

  // Checks `signature` over `file` for `name` with `keys`.
  static oslayer::Result<Signer> check(const std::vector<TrustedKey>& keys,
                                       const std::string& signature,
                                       const std::string& file = k_->file,
                                       std::string_view name = "example.com/app/x") {
    auto fd = oslayer::open_path(file, O_RDONLY);
    EXPECT_TRUE(fd);
    return verify_detached(keys, id(name), fd->get(), signature);
  }

  static Keys* k_;
};

Verify::Keys* Verify::k_ = nullptr;

TEST_F(Verify, GoodArmoredSignature) {
  auto signer = check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->file));
  ASSERT_TRUE(signer) << signer.error().text();
  EXPECT_EQ(signer->fingerprint, k_->good);
  EXPECT_EQ(signer->uids, std::vector<std::string>{"Good Signer <good@example.com>"});
}

TEST_F(Verify, GoodBinarySignature) {
  auto signer = check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->file, false));
  ASSERT_TRUE(signer) << signer.error().text();
  EXPECT_EQ(signer->fingerprint, k_->good);
}

TEST_F(Verify, GoodSignatureAmongSeveralTrustedKeys) {
  auto signer =
      check({trusted(k_->stranger, ""), trusted(k_->good)}, k_->ring.sign(k_->good, k_->file));
  ASSERT_TRUE(signer) << signer.error().text();
  EXPECT_EQ(signer->fingerprint, k_->good);
}

TEST_F(Verify, SignatureBySubkeyNamesThePrimaryKey) {
  auto signer = check({trusted(k_->primary)}, k_->ring.sign(k_->subkey, k_->file));
  ASSERT_TRUE(signer) << signer.error().text();
  EXPECT_EQ(signer->fingerprint, k_->primary);
}

TEST_F(Verify, ReadsTheFileFromTheStart) {
  auto fd = oslayer::open_path(k_->file, O_RDONLY);
  ASSERT_TRUE(fd);
  auto consumed = oslayer::read_all(fd->get(), 1 << 20);  // leaves the offset at the end
  ASSERT_TRUE(consumed);
  auto signer = verify_detached({trusted(k_->good)}, id("example.com/app"), fd->get(),
                                k_->ring.sign(k_->good, k_->file));
  EXPECT_TRUE(signer) << signer.error().text();
}

TEST_F(Verify, UntrustedKeyIsNamedWithTheTrustHint) {
  auto signer = check({trusted(k_->good)}, k_->ring.sign(k_->stranger, k_->file));
  ASSERT_FALSE(signer);
  const std::string text = signer.error().text();
  // gpg names the issuer by fingerprint when the signature carries it, by long key ID otherwise;
  // the key ID is the fingerprint's last 16 digits either way.
  EXPECT_TRUE(contains(text, k_->stranger.substr(24))) << text;
  EXPECT_TRUE(contains(text, "not trusted for \"example.com/app/x\"")) << text;
  EXPECT_TRUE(contains(text, "rkt trust --prefix \"example.com/app/x\"")) << text;
  EXPECT_TRUE(contains(text, "\"example.com/app\", \"example.com\"")) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line: " << text;
}

TEST_F(Verify, NoTrustedKeysAtAll) {
  auto signer = check({}, k_->ring.sign(k_->good, k_->file), k_->file, "example.com");
  ASSERT_FALSE(signer);
  EXPECT_TRUE(contains(signer.error().text(), k_->good.substr(24))) << signer.error().text();
  EXPECT_TRUE(contains(signer.error().text(), "rkt trust --prefix \"example.com\""));
}

TEST_F(Verify, SignatureOverAnotherFile) {
  auto signer = check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->other_file));
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().text(), "signature does not match the image");
}

TEST_F(Verify, ExpiredKey) {
  const std::string sig =
      k_->ring.sign(k_->expired, k_->file, true, {"--faked-system-time", "20200101T120000"});
  auto signer = check({trusted(k_->expired)}, sig);
  ASSERT_FALSE(signer);
  EXPECT_TRUE(contains(signer.error().text(), "expired")) << signer.error().text();
  EXPECT_TRUE(contains(signer.error().text(), k_->expired)) << signer.error().text();
}

TEST_F(Verify, ExpiredSignature) {
  const std::string sig =
      k_->ring.sign(k_->sig_expiry, k_->file, true,
                    {"--faked-system-time", "20200102T000000", "--default-sig-expire", "1d"});
  auto signer = check({trusted(k_->sig_expiry)}, sig);
  ASSERT_FALSE(signer);
  EXPECT_TRUE(contains(signer.error().text(), "signature")) << signer.error().text();
  EXPECT_TRUE(contains(signer.error().text(), "expired")) << signer.error().text();
}

TEST_F(Verify, RevokedKey) {
  // Signed while the key was good; the trust store then holds the revoked key.
  testing::SigningKeyring ring;
  const std::string fpr = ring.generate("Soon Revoked <soon@example.com>");
  const std::string sig = ring.sign(fpr, k_->file);
  ring.revoke(fpr);
  const std::string revoked_key = ring.export_public(fpr);
  auto signer = check({TrustedKey{fpr, "example.com", "/test/revoked", revoked_key}}, sig);
  ASSERT_FALSE(signer);
  EXPECT_TRUE(contains(signer.error().text(), "revoked")) << signer.error().text();
}

TEST_F(Verify, GarbageSignature) {
  for (const std::string& sig :
       {std::string("not a signature\n"), std::string(""), std::string("\x89\x01\x02\x03", 4),
        std::string("-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n")}) {
    auto signer = check({trusted(k_->good)}, sig);
    ASSERT_FALSE(signer);
    EXPECT_EQ(signer.error().text().find('\n'), std::string::npos) << signer.error().text();
  }
}

// gpg gives up on a bad signature before it has read the data; the write into its closed pipe
// must come back as an error, not as a SIGPIPE that kills rkt.
TEST_F(Verify, BadSignatureOverLargeFile) {
  testing::TempDir tmp;
  const std::string big = tmp.write("big.aci", std::string(16 << 20, 'x'));
  EXPECT_FALSE(check({trusted(k_->good)}, "garbage", big));
  EXPECT_FALSE(check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->file), big));
  auto good = check({trusted(k_->good)}, k_->ring.sign(k_->good, big), big);
  EXPECT_TRUE(good) << good.error().text();
}

// Past its first few KiB the file reaches gpg through our own writes (verify_loop.h): a change
// anywhere in it, up to the last byte, must still be seen, whatever the file's own offset is.
TEST_F(Verify, EveryByteOfALargeFileCounts) {
  testing::TempDir tmp;
  std::string bytes(5 * (1 << 20) + 123, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) >> 5);
  const std::string original = tmp.write("big.aci", bytes);
  const std::string signature = k_->ring.sign(k_->good, original);
  auto fd = oslayer::open_path(original, O_RDONLY);
  ASSERT_TRUE(fd);
  ASSERT_EQ(::lseek(fd->get(), 12345, SEEK_SET), 12345);
  auto good = verify_detached({trusted(k_->good)}, id("example.com/app"), fd->get(), signature);
  EXPECT_TRUE(good) << good.error().text();
  EXPECT_EQ(::lseek(fd->get(), 0, SEEK_CUR), 12345) << "the caller's offset was moved";
  for (size_t at : {size_t{100}, size_t{3 << 20}, bytes.size() - 1}) {
    std::string changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 1);
    const std::string path = tmp.write("changed-" + std::to_string(at) + ".aci", changed);
    auto bad = check({trusted(k_->good)}, signature, path);
    ASSERT_FALSE(bad) << "a change at byte " << at << " went unseen";
    EXPECT_EQ(bad.error().text(), "signature does not match the image") << bad.error().text();
  }
  const std::string shorter = tmp.write("short.aci", bytes.substr(0, bytes.size() - 1));
  EXPECT_FALSE(check({trusted(k_->good)}, signature, shorter));
}

// The pid of a live process whose command line holds both `a` and `b`, or 0. (A zombie's
// command line is empty, and gpgme's gpg is not our child: init reaps it, or does not.)
pid_t find_process(const std::string& a, const std::string& b) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = oslayer::read_file(entry.path().string() + "/cmdline", 1 << 16);
    if (cmdline && contains(*cmdline, a) && contains(*cmdline, b)) {
      return static_cast<pid_t>(std::stoi(name));
    }
  }
  return 0;
}

// gpg killed while it reads the file, with the pipe full: the check must end in an error, not
// wait for ever on a pipe that no one drains any more (a hang here ends in the suite's timeout).
TEST_F(Verify, GpgDyingHalfwayIsAnError) {
  testing::TempDir tmp;
  const std::string homes = tmp.path() + "/homes";
  std::filesystem::create_directory(homes);
  const ScopedEnv tmpdir("TMPDIR", homes);  // gpg's --homedir then names this test's dir
  const std::string big = tmp.write("big.aci", std::string(256 << 20, 'y'));
  const std::string signature = k_->ring.sign(k_->good, big);
  std::atomic<bool> killed = false;
  std::atomic<bool> stop = false;
  std::thread killer([&] {
    while (!stop) {
      if (pid_t gpg = find_process(homes, "--verify"); gpg != 0) {
        // Once it is well into the file, when the pipe is full nearly all the time.
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        killed = find_process(homes, "--verify") == gpg && ::kill(gpg, SIGKILL) == 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto result = check({trusted(k_->good)}, signature, big);
  stop = true;
  killer.join();
  ASSERT_TRUE(killed) << "gpg finished before it could be killed";
  EXPECT_FALSE(result);
}

TEST_F(Verify, KeyInsteadOfSignature) {
  auto signer = check({trusted(k_->good)}, k_->ring.export_public(k_->good));
  EXPECT_FALSE(signer);
}

// The user's own keyring trusts the stranger; it must make no difference.
TEST_F(Verify, IgnoresTheUsersKeyring) {
  ScopedEnv gnupghome("GNUPGHOME", k_->ring.home());
  ScopedEnv home("HOME", k_->ring.home());
  auto signer = check({trusted(k_->good)}, k_->ring.sign(k_->stranger, k_->file));
  EXPECT_FALSE(signer);
}

TEST_F(Verify, LeavesNoTemporaryHomes) {
  testing::TempDir tmp;
  ScopedEnv tmpdir("TMPDIR", tmp.path());
  const std::string good_sig = k_->ring.sign(k_->good, k_->file);
  EXPECT_TRUE(check({trusted(k_->good)}, good_sig));
  EXPECT_FALSE(check({trusted(k_->good)}, "garbage"));
  EXPECT_FALSE(check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->other_file)));
  EXPECT_TRUE(inspect_key(k_->ring.export_public(k_->good)));
  EXPECT_FALSE(inspect_key("garbage"));
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path(), ec)) << ec.message();
}

// gpgme would leave SIGPIPE ignored, and execve would pass that on to stage1 and the apps.
TEST_F(Verify, LeavesSigpipeAlone) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  struct sigaction original {};
  ASSERT_EQ(::sigaction(SIGPIPE, &dfl, &original), 0);
  EXPECT_TRUE(check({trusted(k_->good)}, k_->ring.sign(k_->good, k_->file)));
  EXPECT_FALSE(check({trusted(k_->good)}, "garbage"));
  EXPECT_TRUE(inspect_key(k_->ring.export_public(k_->good)));
  struct sigaction after {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, SIG_DFL);
  ASSERT_EQ(::sigaction(SIGPIPE, &original, nullptr), 0);
}

TEST_F(Verify, InspectKey) {
  auto info = inspect_key(k_->ring.export_public(k_->primary));
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(info->fingerprint, k_->primary);
  EXPECT_EQ(info->uids, std::vector<std::string>{"Subkey Signer <sub@example.com>"});
  EXPECT_EQ(info->subkey_fingerprints, std::vector<std::string>{k_->subkey});
  EXPECT_FALSE(info->expired);
  EXPECT_FALSE(info->revoked);

  auto binary = inspect_key(k_->ring.export_public(k_->good, false));
  ASSERT_TRUE(binary) << binary.error().text();
  EXPECT_EQ(binary->fingerprint, k_->good);

  auto expired = inspect_key(k_->ring.export_public(k_->expired));
  ASSERT_TRUE(expired) << expired.error().text();
  EXPECT_TRUE(expired->expired);
}

TEST_F(Verify, InspectRevokedKey) {
  testing::SigningKeyring ring;
  const std::string fpr = ring.generate("Revoke Me <revoke@example.com>");
  ring.revoke(fpr);
  auto info = inspect_key(ring.export_public(fpr));
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_TRUE(info->revoked);
}

TEST_F(Verify, InspectRefusesWhatIsNotOnePublicKey) {
  EXPECT_FALSE(inspect_key(""));
  EXPECT_FALSE(inspect_key("hello\n"));
  EXPECT_FALSE(inspect_key(std::string("\x99\x00\x01", 3)));
  EXPECT_FALSE(inspect_key(k_->ring.sign(k_->good, k_->file)));
  auto two = inspect_key(k_->ring.export_public(k_->good) + k_->ring.export_public(k_->stranger));
  ASSERT_FALSE(two);
  EXPECT_TRUE(contains(two.error().text(), "2 keys")) << two.error().text();
  auto secret = inspect_key(k_->ring.export_secret(k_->good));
  ASSERT_FALSE(secret);
  EXPECT_TRUE(contains(secret.error().text(), "secret")) << secret.error().text();
}

TEST(FormatFingerprint, AsRktShowedIt) {
  EXPECT_EQ(format_fingerprint("8b86de38890ddb7291867b025210bd8888182190"),
            "8B86 DE38 890D DB72 9186  7B02 5210 BD88 8818 2190");
}

}  // namespace
}  // namespace stage0::trust
