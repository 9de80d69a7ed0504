#include "stage0/trust/trust_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cctype>

#include "oslayer/fd.h"
#include "stage0/trust/test_gpg.h"

namespace stage0::trust {
namespace {

appc::AcIdentifier id(std::string_view s) {
  auto parsed = appc::AcIdentifier::parse(s);
  EXPECT_TRUE(parsed) << s;
  return *parsed;
}

std::vector<std::string> fingerprints_of(const std::vector<TrustedKey>& keys) {
  std::vector<std::string> out;
  for (const TrustedKey& k : keys) out.push_back(k.fingerprint);
  return out;
}

// Three keys, made once: key generation is the slow part.
class TrustStore : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ring_ = new testing::SigningKeyring();
    for (const char* uid :
         {"Alice <a@example.com>", "Bob <b@example.com>", "Carol <c@example.com>"}) {
      const std::string fpr = ring_->generate(uid);
      fprs_.push_back(fpr);
      keys_.push_back(ring_->export_public(fpr));
    }
  }
  static void TearDownTestSuite() {
    delete ring_;
    ring_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(fprs_.size(), 3u);
    for (const std::string& f : fprs_) ASSERT_EQ(f.size(), 40u);
    paths_.system_config = tmp_.path() + "/usr/lib/rkt";
    paths_.local_config = tmp_.path() + "/etc/rkt";
  }

  // Puts key `i` (or `content`) under <config>/trustedkeys/<rel>/<file name>.
  std::string put(const std::string& config, const std::string& rel, size_t i) {
    return put_raw(config, rel, fprs_[i], keys_[i]);
  }
  std::string put_raw(const std::string& config, const std::string& rel, const std::string& name,
                      std::string_view content) {
    const std::string base = config == "system" ? "usr/lib/rkt" : "etc/rkt";
    return tmp_.write(base + "/trustedkeys/" + rel + "/" + name, content);
  }

  std::vector<std::string> keys_for(std::string_view name) {
    auto keys = keys_for_name(paths_, id(name));
    EXPECT_TRUE(keys) << keys.error().text();
    return keys ? fingerprints_of(*keys) : std::vector<std::string>{"<error>"};
  }

  static testing::SigningKeyring* ring_;
  static std::vector<std::string> fprs_;
  static std::vector<std::string> keys_;
  testing::TempDir tmp_;
  TrustPaths paths_;
};

testing::SigningKeyring* TrustStore::ring_ = nullptr;
std::vector<std::string> TrustStore::fprs_;
std::vector<std::string> TrustStore::keys_;

TEST(NamePrefixes, SplitsOnPathElements) {
  EXPECT_EQ(name_prefixes(id("example.com")), std::vector<std::string>{"example.com"});
  EXPECT_EQ(name_prefixes(id("example.com/app/x")),
            (std::vector<std::string>{"example.com", "example.com/app", "example.com/app/x"}));
  // '.', '-', '_' and '~' separate words, not path elements.
  EXPECT_EQ(name_prefixes(id("example.com/my-app.v2")),
            (std::vector<std::string>{"example.com", "example.com/my-app.v2"}));
}

TEST(FingerprintName, LowerCaseFortyHexOnly) {
  const std::string good(40, 'a');
  EXPECT_TRUE(is_fingerprint_name(good));
  EXPECT_TRUE(is_fingerprint_name("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(is_fingerprint_name("0123456789ABCDEF0123456789ABCDEF01234567"));
  EXPECT_FALSE(is_fingerprint_name(std::string(39, 'a')));
  EXPECT_FALSE(is_fingerprint_name(std::string(41, 'a')));
  EXPECT_FALSE(is_fingerprint_name(good + ".asc"));
  EXPECT_FALSE(is_fingerprint_name(std::string(39, 'a') + "g"));
  EXPECT_FALSE(is_fingerprint_name(""));
}

TEST_F(TrustStore, EmptyStoreHasNoKeys) {
  EXPECT_EQ(keys_for("example.com/app"), std::vector<std::string>{});
  auto prefixes = trusted_prefixes(paths_);
  ASSERT_TRUE(prefixes) << prefixes.error().text();
  EXPECT_TRUE(prefixes->empty());
}

TEST_F(TrustStore, RootKeysCoverEveryName) {
  const std::string path = put("local", "root.d", 0);
  auto keys = keys_for_name(paths_, id("anything.org/x/y"));
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].fingerprint, fprs_[0]);
  EXPECT_EQ((*keys)[0].prefix, "");
  EXPECT_EQ((*keys)[0].path, path);
  EXPECT_EQ((*keys)[0].armored, keys_[0]);
}

TEST_F(TrustStore, ExactPrefix) {
  put("local", "prefix.d/example.com/app", 0);
  auto keys = keys_for_name(paths_, id("example.com/app"));
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].prefix, "example.com/app");
}

TEST_F(TrustStore, ParentPrefixesCoverChildren) {
  put("local", "prefix.d/example.com", 0);
  put("local", "prefix.d/example.com/app", 1);
  EXPECT_EQ(keys_for("example.com/app/x"), (std::vector<std::string>{fprs_[0], fprs_[1]}));
  EXPECT_EQ(keys_for("example.com/app"), (std::vector<std::string>{fprs_[0], fprs_[1]}));
  // A child prefix does not cover its parent.
  EXPECT_EQ(keys_for("example.com"), std::vector<std::string>{fprs_[0]});
}

// rkt matched prefixes as strings, so a key for example.com/app also signed example.com/appevil.
TEST_F(TrustStore, SiblingWithSamePrefixStringIsNotCovered) {
  put("local", "prefix.d/example.com/app", 0);
  for (const char* name : {"example.com/appevil", "example.com/app-evil", "example.com/app.evil",
                           "example.com/ap", "example.comevil/app"}) {
    EXPECT_EQ(keys_for(name), std::vector<std::string>{}) << name;
  }
  EXPECT_EQ(keys_for("example.com/app/evil"), std::vector<std::string>{fprs_[0]});
}

TEST_F(TrustStore, SystemKeysFirstThenLocal) {
  const std::string sys_root = put("system", "root.d", 0);
  const std::string local_root = put("local", "root.d", 1);
  put("system", "prefix.d/example.com", 2);
  auto keys = keys_for_name(paths_, id("example.com/app"));
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].path, sys_root);
  EXPECT_EQ((*keys)[1].path, local_root);
  EXPECT_EQ((*keys)[2].fingerprint, fprs_[2]);
  EXPECT_EQ((*keys)[2].prefix, "example.com");
}

TEST_F(TrustStore, EmptyLocalFileMasksSystemKey) {
  put("system", "root.d", 0);
  put_raw("local", "root.d", fprs_[0], "");
  put("system", "prefix.d/example.com", 1);
  put_raw("local", "prefix.d/example.com", fprs_[1], "");
  put("system", "prefix.d/example.com", 2);  // not masked
  EXPECT_EQ(keys_for("example.com/app"), std::vector<std::string>{fprs_[2]});
  // A mask only covers its own directory: the same key elsewhere is still trusted.
  put("system", "prefix.d/other.org", 0);
  EXPECT_EQ(keys_for("other.org/x"), std::vector<std::string>{fprs_[0]});
}

TEST_F(TrustStore, LocalFileReplacesSystemFileOfSameName) {
  put("system", "root.d", 0);
  const std::string local = put("local", "root.d", 0);
  auto keys = keys_for_name(paths_, id("example.com"));
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].path, local);
}

TEST_F(TrustStore, EmptySystemFileIsIgnored) {
  put_raw("system", "root.d", fprs_[0], "");
  EXPECT_EQ(keys_for("example.com"), std::vector<std::string>{});
}

TEST_F(TrustStore, FilesNotNamedByFingerprintAreIgnored) {
  put("local", "root.d", 0);
  std::string upper = fprs_[1];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  put_raw("local", "root.d", upper, keys_[1]);
  put_raw("local", "root.d", fprs_[1] + ".asc", keys_[1]);
  put_raw("local", "root.d", "README", "not a key");
  put_raw("local", "root.d", "." + fprs_[2] + ".tmp-abcdefgh", keys_[2]);  // a crashed write
  EXPECT_EQ(keys_for("example.com"), std::vector<std::string>{fprs_[0]});
}

TEST_F(TrustStore, FingerprintMismatchNamesTheFile) {
  const std::string path = put_raw("local", "prefix.d/example.com", fprs_[1], keys_[0]);
  auto keys = keys_for_name(paths_, id("example.com/app"));
  ASSERT_FALSE(keys);
  EXPECT_NE(keys.error().text().find(path), std::string::npos) << keys.error().text();
  EXPECT_NE(keys.error().text().find("fingerprint mismatch"), std::string::npos);
}

TEST_F(TrustStore, GarbageKeyFileNamesTheFile) {
  const std::string path = put_raw("local", "root.d", fprs_[0], "this is not a key\n");
  auto keys = keys_for_name(paths_, id("example.com"));
  ASSERT_FALSE(keys);
  EXPECT_NE(keys.error().text().find(path), std::string::npos) << keys.error().text();
}

TEST_F(TrustStore, TrustedPrefixes) {
  put("system", "root.d", 0);
  put("system", "prefix.d/example.com/app", 1);
  put("local", "prefix.d/coreos.com/etcd", 2);
  put("system", "prefix.d/masked.org", 0);
  put_raw("local", "prefix.d/masked.org", fprs_[0], "");
  put_raw("local", "prefix.d/Bad_Prefix", fprs_[1], keys_[1]);  // not an AC Identifier
  put_raw("local", "prefix.d/nokeys.org", "README", "no keys here");
  auto prefixes = trusted_prefixes(paths_);
  ASSERT_TRUE(prefixes) << prefixes.error().text();
  EXPECT_EQ(*prefixes, (std::vector<std::string>{"", "coreos.com/etcd", "example.com/app"}));
}

TEST_F(TrustStore, AllTrustedKeysIsEveryPrefixWithMasking) {
  put("system", "root.d", 0);
  put("system", "prefix.d/example.com/app", 1);
  put("local", "prefix.d/coreos.com", 2);
  put("system", "prefix.d/masked.org", 2);
  put_raw("local", "prefix.d/masked.org", fprs_[2], "");
  auto keys = all_trusted_keys(paths_);
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ(fingerprints_of(*keys), (std::vector<std::string>{fprs_[0], fprs_[2], fprs_[1]}));
  EXPECT_EQ((*keys)[0].prefix, "");
  EXPECT_EQ((*keys)[1].prefix, "coreos.com");
  EXPECT_EQ((*keys)[2].prefix, "example.com/app");
}

TEST_F(TrustStore, AllTrustedKeysOfAnEmptyStore) {
  auto keys = all_trusted_keys(paths_);
  ASSERT_TRUE(keys) << keys.error().text();
  EXPECT_TRUE(keys->empty());
}

TEST_F(TrustStore, StoresPrefixAndRootKeys) {
  const mode_t old_umask = ::umask(022);
  auto stored = store_trusted_key(paths_.local_config, id("example.com/app"), fprs_[0], keys_[0]);
  ASSERT_TRUE(stored) << stored.error().text();
  EXPECT_EQ(*stored, paths_.local_config + "/trustedkeys/prefix.d/example.com/app/" + fprs_[0]);
  struct stat st {};
  ASSERT_EQ(::stat(stored->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  ASSERT_EQ(::stat((paths_.local_config + "/trustedkeys/prefix.d/example.com").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(keys_for("example.com/app/x"), std::vector<std::string>{fprs_[0]});

  auto root = store_trusted_key(paths_.local_config, std::nullopt, fprs_[1], keys_[1]);
  ASSERT_TRUE(root) << root.error().text();
  EXPECT_EQ(*root, paths_.local_config + "/trustedkeys/root.d/" + fprs_[1]);
  auto content = oslayer::read_file(*root, kMaxKeySize);
  ASSERT_TRUE(content);
  EXPECT_EQ(*content, keys_[1]);
  // Storing again replaces the file in place.
  auto again = store_trusted_key(paths_.local_config, std::nullopt, fprs_[1], keys_[1]);
  EXPECT_TRUE(again);
  ::umask(old_umask);
}

}  // namespace
}  // namespace stage0::trust
