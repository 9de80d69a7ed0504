// decode -> encode -> decode gives back the same value, for every valid manifest the unit tables
// hold, for the spec's examples and for the valid half of the oracle corpus (tests/appc-oracle).
// Encoding is also a fixed point: encoding the re-decoded value gives the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "appc-spec/pod_manifest.h"

namespace appc {

namespace test_cases {
// Defined next to their tables in image_manifest_test.cc and pod_manifest_test.cc.
std::vector<std::pair<std::string, std::string>> valid_image_manifests();
std::vector<std::pair<std::string, std::string>> valid_pod_manifests();
}  // namespace test_cases

namespace {

namespace fs = std::filesystem;

enum class Kind { kImage, kPod };

struct Fixture {
  std::string name;
  Kind kind;
  std::string json;
};

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The oracle corpus: $FIXTURES if set, else found from this file's path (meson passes it
// relative to the build directory, where the tests run).
std::optional<fs::path> corpus_dir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("FIXTURES"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  const fs::path here = fs::path(__FILE__).parent_path();
  candidates.push_back(here / ".." / "tests" / "appc-oracle");
  // A relative __FILE__ is relative to the build directory, which holds appc-spec/<this test>.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    candidates.push_back(exe.parent_path().parent_path() / here / ".." / "tests" / "appc-oracle");
  for (const auto& c : candidates) {
    if (fs::is_directory(c / "valid", ec)) return c;
  }
  return std::nullopt;
}

std::vector<Fixture> all_fixtures() {
  std::vector<Fixture> out;
  for (auto& [name, json] : test_cases::valid_image_manifests()) {
    out.push_back({"ImageTable_" + name, Kind::kImage, json});
  }
  for (auto& [name, json] : test_cases::valid_pod_manifests()) {
    out.push_back({"PodTable_" + name, Kind::kPod, json});
  }
  const fs::path examples = "/usr/share/doc/appc-spec/examples";
  for (const char* f : {"pod_runtime.json", "pod_template.json"}) {
    std::string json = read_file(examples / f);
    if (!json.empty()) out.push_back({std::string("SpecExample_") + f, Kind::kPod, json});
  }
  // image.json is invalid for Rocket only because of its placeholder dependency ID.
  std::string image = read_file(examples / "image.json");
  if (auto at = image.find("\"sha512-...\""); at != std::string::npos) {
    image.replace(at, 12, "\"sha512-" + std::string(128, 'e') + "\"");
    out.push_back({"SpecExample_image_json", Kind::kImage, image});
  }
  if (auto dir = corpus_dir()) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(*dir / "valid")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      const std::string base = p.filename().string();
      const Kind kind = base.rfind("pod-", 0) == 0 ? Kind::kPod : Kind::kImage;
      out.push_back({"Corpus_" + base, kind, read_file(p)});
    }
  }
  return out;
}

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.name; }

class RoundTripTest : public testing::TestWithParam<Fixture> {};

template <class M>
void check_round_trip(Result<M> (*decode)(std::string_view), std::string (*encode)(const M&, int),
                      const std::string& json) {
  auto first = decode(json);
  ASSERT_TRUE(first) << first.error().text() << "\n" << json;
  const std::string compact = encode(*first, -1);
  EXPECT_EQ(compact.find('\n'), std::string::npos) << compact;
  auto second = decode(compact);
  ASSERT_TRUE(second) << second.error().text() << "\nencoded: " << compact;
  EXPECT_TRUE(*second == *first) << "re-decoded value differs; encoded: " << compact;
  EXPECT_EQ(encode(*second, -1), compact);

  const std::string pretty = encode(*first, 2);
  EXPECT_NE(pretty.find('\n'), std::string::npos) << pretty;
  auto third = decode(pretty);
  ASSERT_TRUE(third) << third.error().text() << "\nencoded: " << pretty;
  EXPECT_TRUE(*third == *first) << "pretty re-decoded value differs; encoded: " << pretty;
}

TEST_P(RoundTripTest, DecodeEncodeDecode) {
  const Fixture& f = GetParam();
  if (f.kind == Kind::kImage) {
    check_round_trip<ImageManifest>(decode_image_manifest, encode_image_manifest, f.json);
  } else {
    check_round_trip<PodManifest>(decode_pod_manifest, encode_pod_manifest, f.json);
  }
}

INSTANTIATE_TEST_SUITE_P(Valid, RoundTripTest, testing::ValuesIn(all_fixtures()),
                         [](const testing::TestParamInfo<Fixture>& param_info) {
                           return test_name(param_info.param.name);
                         });

TEST(RoundTrip, CorpusFound) {
  // Without it the corpus cases above silently vanish.
  EXPECT_TRUE(corpus_dir()) << "tests/appc-oracle not found from " << fs::current_path();
}

// --- what the encoder writes ----------------------------------------------------------------

const char kMinimal[] =
    R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/app"})";

TEST(Encode, MinimalImageIsCompactInReferenceOrder) {
  auto m = decode_image_manifest(
      R"({ "name" : "example.com/app", "acVersion": "0.8.11", "acKind": "ImageManifest" })");
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(encode_image_manifest(*m), kMinimal);
}

TEST(Encode, CanonicalKeysAndVersion) {
  auto m = decode_image_manifest(
      R"({"acKind": "ImageManifest", "acVersion": "0.08.11", "name": "a", "App": {"User": "0", "Group": "0", "supplementaryGids": [5]}})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_image_manifest(*m);
  EXPECT_NE(out.find(R"("acVersion":"0.8.11")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("supplementaryGIDs":[5])"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("user":"0")"), std::string::npos) << out;
  EXPECT_EQ(out.find("supplementaryGids"), std::string::npos) << out;
  EXPECT_LT(out.find("\"acKind\""), out.find("\"acVersion\"")) << out;
  EXPECT_LT(out.find("\"acVersion\""), out.find("\"name\"")) << out;
  EXPECT_LT(out.find("\"name\""), out.find("\"app\"")) << out;
}

// Keys come in the order of the reference code's structs (schema/image.go, schema/types/app.go),
// so that output reads like rkt's.
TEST(Encode, FieldOrderFollowsTheGoStructs) {
  auto m = decode_image_manifest(R"({
    "pathWhitelist": ["/etc"],
    "dependencies": [{"imageName": "example.com/base"}],
    "annotations": [{"name": "authors", "value": "x"}],
    "app": {
      "userLabels": {"l": "1"}, "userAnnotations": {"a": "1"},
      "isolators": [{"name": "os/linux/no-new-privileges", "value": true}],
      "ports": [{"name": "p", "port": 80, "protocol": "tcp"}],
      "mountPoints": [{"name": "m", "path": "/m"}],
      "environment": [{"name": "E", "value": "1"}],
      "workingDirectory": "/w", "supplementaryGIDs": [1], "group": "0", "user": "0",
      "eventHandlers": [{"name": "pre-start", "exec": ["/pre"]}],
      "exec": ["/bin/app"]
    },
    "labels": [{"name": "version", "value": "1"}],
    "name": "example.com/app", "acVersion": "0.8.11", "acKind": "ImageManifest"})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_image_manifest(*m);
  auto expect_order = [&](std::string_view text, std::vector<std::string> keys) {
    size_t last = 0;
    std::string previous = "(start)";
    for (const auto& k : keys) {
      const size_t at = text.find("\"" + k + "\":");
      ASSERT_NE(at, std::string_view::npos) << k << " missing from " << text;
      EXPECT_GT(at, last) << "\"" << k << "\" comes before \"" << previous << "\" in " << text;
      last = at;
      previous = k;
    }
  };
  expect_order(out, {"acKind", "acVersion", "name", "labels", "app", "annotations", "dependencies",
                     "pathWhitelist"});
  const size_t app_at = out.find("\"app\":");
  ASSERT_NE(app_at, std::string::npos);
  const size_t app_end = out.find("\"annotations\":", app_at);
  expect_order(
      std::string_view(out).substr(app_at, app_end - app_at),
      {"exec", "eventHandlers", "user", "group", "supplementaryGIDs", "workingDirectory",
       "environment", "mountPoints", "ports", "isolators", "userAnnotations", "userLabels"});
}

TEST(Encode, PodFieldOrderFollowsTheGoStructs) {
  auto m = decode_pod_manifest(R"({
    "userLabels": {"l": "1"}, "userAnnotations": {"a": "1"},
    "ports": [{"name": "http", "hostPort": 80}],
    "annotations": [{"name": "a", "value": "1"}],
    "isolators": [{"name": "resource/memory", "value": {"limit": "1G"}}],
    "volumes": [{"name": "v", "kind": "empty"}],
    "apps": [{"annotations": [{"name": "b", "value": "2"}], "mounts": [{"path": "/v", "volume": "v"}],
              "readOnlyRootFS": true, "app": {"user": "0", "group": "0"},
              "image": {"labels": [{"name": "version", "value": "1"}], "id": "sha512-aa", "name": "example.com/x"},
              "name": "web"}],
    "acKind": "PodManifest", "acVersion": "0.8.11"})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_pod_manifest(*m);
  size_t last = 0;
  for (const char* k :
       {"acVersion", "acKind", "apps", "name", "image", "app", "readOnlyRootFS", "mounts",
        "volumes", "isolators", "ports", "userAnnotations", "userLabels"}) {
    const size_t at = out.find("\"" + std::string(k) + "\":", last);
    ASSERT_NE(at, std::string::npos) << k << " missing or out of order in " << out;
    last = at;
  }
}

TEST(Encode, QuantitiesKeepTheirText) {
  auto m = decode_image_manifest(
      R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "a", "app": {"user": "0", "group": "0", "isolators": [{"name": "resource/memory", "value": {"request": "125952Ki", "limit": "1.5Gi"}}, {"name": "resource/cpu", "value": {"limit": "500m"}}]}})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_image_manifest(*m);
  for (const char* q : {"1.5Gi", "125952Ki", "500m"}) {
    EXPECT_NE(out.find(q), std::string::npos) << q << " missing from " << out;
  }
}

TEST(Encode, StringsAreEscaped) {
  auto m = decode_image_manifest(
      R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "a", "annotations": [{"name": "authors", "value": "\"Q\" \\ \t \u0001 caf\u00e9 <a@b>"}]})");
  ASSERT_TRUE(m) << m.error().text();
  auto again = decode_image_manifest(encode_image_manifest(*m));
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(again->annotations.at(0).value, "\"Q\" \\ \t \x01 caf\xc3\xa9 <a@b>");
}

TEST(Encode, EmptyVolumeDefaultsAreWritten) {
  auto m = decode_pod_manifest(
      R"({"acKind": "PodManifest", "acVersion": "0.8.11", "volumes": [{"name": "v", "kind": "empty"}]})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_pod_manifest(*m);
  EXPECT_NE(out.find(R"("mode":"0755")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("kind":"empty")"), std::string::npos) << out;
}

TEST(Encode, UnknownPodIsolatorSurvives) {
  auto m = decode_pod_manifest(
      R"({"acKind": "PodManifest", "acVersion": "0.8.11", "isolators": [{"name": "example.com/custom", "value": {"a": [1, 2, {"b": null}], "s": "x"}}]})");
  ASSERT_TRUE(m) << m.error().text();
  const std::string out = encode_pod_manifest(*m);
  EXPECT_NE(out.find("example.com/custom"), std::string::npos) << out;
  auto again = decode_pod_manifest(out);
  ASSERT_TRUE(again) << again.error().text() << "\n" << out;
  EXPECT_TRUE(*again == *m) << out;
}

}  // namespace
}  // namespace appc
