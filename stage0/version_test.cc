// `rkt version` as Nomad reads it, the usage texts, and the manifest check behind `rkt validate`.
#include "stage0/version.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "stage0/command_table.h"
#include "stage0/global_config.h"
#include "stage0/help.h"
#include "stage0/test_support.h"
#include "stage0/validate.h"

namespace stage0 {
namespace {

using testing_support::nomad_version;
using testing_support::only_chars;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Nomad's driver: the version must match its regexes and be at least 1.27.0.
TEST(Version, NomadCanParseIt) {
  const std::string text = render_version();
  const std::string rkt = nomad_version(text, "rkt");
  EXPECT_EQ(rkt, "1.30.0");
  int major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(rkt.c_str(), "%d.%d", &major, &minor), 2);
  EXPECT_TRUE(major > 1 || (major == 1 && minor >= 27));
  EXPECT_EQ(nomad_version(text, "appc"), "0.8.11");
}

TEST(Version, NomadRegexEmulation) {
  EXPECT_EQ(nomad_version("rkt Version: 1.30.0+rocket.0.1.0\n", "rkt"), "1.30.0");
  EXPECT_EQ(nomad_version("rkt version 1.27.0\n", "rkt"), "1.27.0");
  EXPECT_EQ(nomad_version("appc Version:0.8.11", "appc"), "");  // the space is required
  EXPECT_EQ(nomad_version("rkt Version: 1", "rkt"), "");        // \d[.\d]+ needs two chars
  EXPECT_EQ(nomad_version("xrkt Version: 2.0 rkt Version: 1.30", "rkt"), "2.0");
}

TEST(Version, ExactLines) {
  const std::vector<std::string> lines = lines_of(render_version());
  ASSERT_EQ(lines.size(), 5u);
  const std::string rkt_prefix = "rkt Version: 1.30.0+rocket.";
  ASSERT_TRUE(lines[0].starts_with(rkt_prefix)) << lines[0];
  EXPECT_TRUE(only_chars(lines[0].substr(rkt_prefix.size()), "0123456789.")) << lines[0];
  EXPECT_EQ(lines[1], "appc Version: 0.8.11");
  EXPECT_EQ(lines[2], "Go Version: none (Rocket is C++)");
  const std::string arch_prefix = "Go OS/Arch: linux/";
  ASSERT_TRUE(lines[3].starts_with(arch_prefix)) << lines[3];
  EXPECT_TRUE(
      only_chars(lines[3].substr(arch_prefix.size()), "abcdefghijklmnopqrstuvwxyz0123456789"))
      << lines[3];
  EXPECT_EQ(lines[4], "Features: -TPM -SDJOURNAL");
  EXPECT_EQ("rkt Version: " + std::string(rkt_version()), lines[0]);
}

TEST(Usage, GlobalListsCommandsAndFlags) {
  FlagSet g;
  add_global_flags(g);
  const std::string text = render_global_usage(command_table(), g);
  for (const Command* c : command_table()) {
    EXPECT_NE(text.find("  " + std::string(c->name) + " "), std::string::npos) << c->name;
  }
  for (const FlagSpec& s : g.specs()) {
    EXPECT_NE(text.find("--" + s.name + "="), std::string::npos) << s.name;
  }
  EXPECT_NE(text.find("--dir=\"/var/lib/rkt\""), std::string::npos);
  EXPECT_NE(text.find("-h, --help=false"), std::string::npos);
  EXPECT_NE(text.find(std::string(rkt_version())), std::string::npos);
}

TEST(Usage, Command) {
  FlagSet g;
  add_global_flags(g);
  auto validate = resolve_command("validate", command_table());
  ASSERT_TRUE(validate);
  const std::string text = render_command_usage(**validate, g);
  EXPECT_NE(text.find("rkt validate FILE..."), std::string::npos) << text;
  EXPECT_NE(text.find("GLOBAL OPTIONS:"), std::string::npos);
  EXPECT_EQ(text.find("\nOPTIONS:"), std::string::npos);  // validate has no flags of its own
}

constexpr const char* kImage = R"({
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "example.com/hello",
  "labels": [{"name": "version", "value": "1.0.0"}, {"name": "os", "value": "linux"},
             {"name": "arch", "value": "amd64"}],
  "app": {"exec": ["/bin/hello"], "user": "0", "group": "0"}
})";

std::string pod_json(const std::string& apps) {
  return R"({"acKind": "PodManifest", "acVersion": "0.8.11", "apps": [)" + apps + "]}";
}

std::string pod_app(const std::string& name) {
  return R"({"name": ")" + name + R"(", "image": {"id": "sha512-)" + std::string(128, 'a') +
         R"(", "name": "example.com/hello"}})";
}

TEST(DescribeManifest, Valid) {
  auto image = describe_manifest(kImage);
  ASSERT_TRUE(image) << image.error().text();
  EXPECT_EQ(*image, "ImageManifest example.com/hello");

  auto one = describe_manifest(pod_json(pod_app("web")));
  ASSERT_TRUE(one) << one.error().text();
  EXPECT_EQ(*one, "PodManifest, 1 app");
  auto two = describe_manifest(pod_json(pod_app("web") + "," + pod_app("db")));
  ASSERT_TRUE(two) << two.error().text();
  EXPECT_EQ(*two, "PodManifest, 2 apps");
}

TEST(DescribeManifest, InvalidNamesThePath) {
  std::string bad_image = kImage;
  bad_image.replace(bad_image.find("\"0.8.11\""), 8, "\"not-a-version\"");
  auto image = describe_manifest(bad_image);
  ASSERT_FALSE(image);
  EXPECT_NE(image.error().text().find("acVersion"), std::string::npos) << image.error().text();

  // The pod decoder is used for a PodManifest, so its errors point into apps[].
  auto pod = describe_manifest(pod_json(pod_app("Not_A_Name")));
  ASSERT_FALSE(pod);
  EXPECT_NE(pod.error().text().find("apps[0]"), std::string::npos) << pod.error().text();

  EXPECT_FALSE(describe_manifest(""));
  EXPECT_FALSE(describe_manifest("{"));
  EXPECT_FALSE(describe_manifest("[]"));
  EXPECT_FALSE(describe_manifest(R"({"acKind": "Bogus"})"));
}

}  // namespace
}  // namespace stage0
