// The Image Manifest decoded into values: the spec's example field by field, defaults, key
// matching, the size limit, and validation of hand-built values.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "appc-spec/image_manifest_test_support.h"

namespace appc {
namespace {

using test_manifests::annotations;
using test_manifests::image;
using test_manifests::label;
using test_manifests::with_app;

// The spec's examples/image.json, with a real dependency imageID instead of "sha512-...".
const std::string kSpecExample = R"({
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "example.com/reduce-worker",
  "labels": [
    {"name": "version", "value": "1.0.0"},
    {"name": "arch", "value": "amd64"},
    {"name": "os", "value": "linux"}
  ],
  "app": {
    "exec": ["/usr/bin/reduce-worker", "--quiet"],
    "user": "100",
    "group": "300",
    "supplementaryGids": [400, 500],
    "eventHandlers": [
      {"exec": ["/usr/bin/data-downloader"], "name": "pre-start"},
      {"exec": ["/usr/bin/deregister-worker", "--verbose"], "name": "post-stop"}
    ],
    "workingDirectory": "/opt/work",
    "environment": [{"name": "REDUCE_WORKER_DEBUG", "value": "true"}],
    "isolators": [
      {"name": "resource/cpu", "value": {"limit": "20m"}},
      {"name": "resource/memory", "value": {"limit": "1G"}},
      {"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE"]}},
      {"name": "os/linux/no-new-privileges", "value": true},
      {"name": "os/linux/seccomp-remove-set", "value": {"errno": "EACCESS", "set": ["clock_settime", "clock_adjtime", "reboot"]}}
    ],
    "mountPoints": [{"name": "database", "path": "/var/lib/db", "readOnly": false}],
    "ports": [{"name": "health", "port": 4000, "protocol": "tcp", "socketActivated": true}],
    "userAnnotations": {"owner": "team-a"},
    "userLabels": {"tier": "backend"}
  },
  "dependencies": [
    {
      "imageName": "example.com/reduce-worker-base",
      "imageID": "sha512-8d3fffddf79e9a232ffd19f9ccaa4d6b37a6a243dbe0f23137b108a043d9da13121a9b505c804956b22e93c7f93969f4a7ba8ddea45bf4aab0bebc8f814e0990",
      "labels": [{"name": "os", "value": "linux"}, {"name": "env", "value": "canary"}],
      "size": 123456
    }
  ],
  "pathWhitelist": ["/etc/ca/example.com/crt", "/usr/bin/map-reduce-worker", "/etc/systemd/system/"],
  "annotations": [
    {"name": "authors", "value": "Carly Container <carly@example.com>"},
    {"name": "created", "value": "2014-10-27T19:32:27.67021798Z"},
    {"name": "documentation", "value": "https://example.com/docs"},
    {"name": "homepage", "value": "https://example.com"},
    {"name": "appc.io/executor/supports-systemd-notify", "value": "false"}
  ]
})";

TEST(ImageManifestDecode, SpecExampleFields) {
  auto r = decode_image_manifest(kSpecExample);
  ASSERT_TRUE(r) << r.error().text();
  const ImageManifest& m = *r;
  EXPECT_EQ(m.ac_version.str(), "0.8.11");
  EXPECT_EQ(m.name.str(), "example.com/reduce-worker");
  ASSERT_EQ(m.labels.size(), 3u);
  EXPECT_EQ(m.labels[0].name.str(), "version");
  EXPECT_EQ(m.labels[0].value, "1.0.0");
  EXPECT_EQ(find_label(m.labels, "os"), "linux");
  EXPECT_EQ(find_label(m.labels, "arch"), "amd64");
  EXPECT_EQ(find_label(m.labels, "missing"), std::nullopt);

  ASSERT_TRUE(m.app);
  const App& app = *m.app;
  EXPECT_EQ(app.exec, (std::vector<std::string>{"/usr/bin/reduce-worker", "--quiet"}));
  EXPECT_EQ(app.user, "100");
  EXPECT_EQ(app.group, "300");
  EXPECT_EQ(app.supplementary_gids, (std::vector<uint32_t>{400, 500}));
  ASSERT_EQ(app.event_handlers.size(), 2u);
  EXPECT_EQ(app.event_handlers[0].name, EventName::kPreStart);
  EXPECT_EQ(app.event_handlers[0].exec, (std::vector<std::string>{"/usr/bin/data-downloader"}));
  EXPECT_EQ(app.event_handlers[1].name, EventName::kPostStop);
  EXPECT_EQ(app.working_directory, "/opt/work");
  ASSERT_EQ(app.environment.size(), 1u);
  EXPECT_EQ(app.environment[0].name, "REDUCE_WORKER_DEBUG");
  EXPECT_EQ(app.environment[0].value, "true");

  ASSERT_EQ(app.isolators.size(), 5u);
  EXPECT_EQ(app.isolators[0].name.str(), "resource/cpu");
  ASSERT_TRUE(std::holds_alternative<ResourceCpu>(app.isolators[0].value));
  EXPECT_EQ(std::get<ResourceCpu>(app.isolators[0].value).limit->milli_value(), 20);
  ASSERT_TRUE(std::holds_alternative<ResourceMemory>(app.isolators[1].value));
  EXPECT_EQ(std::get<ResourceMemory>(app.isolators[1].value).limit->value(), 1000000000);
  ASSERT_TRUE(std::holds_alternative<CapabilitiesRetainSet>(app.isolators[2].value));
  EXPECT_EQ(std::get<CapabilitiesRetainSet>(app.isolators[2].value).set.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<NoNewPrivileges>(app.isolators[3].value));
  EXPECT_TRUE(std::get<NoNewPrivileges>(app.isolators[3].value).value);
  ASSERT_TRUE(std::holds_alternative<SeccompRemoveSet>(app.isolators[4].value));
  EXPECT_EQ(std::get<SeccompRemoveSet>(app.isolators[4].value).errno_name, "EACCESS");

  ASSERT_EQ(app.mount_points.size(), 1u);
  EXPECT_EQ(app.mount_points[0].name.str(), "database");
  EXPECT_EQ(app.mount_points[0].path, "/var/lib/db");
  EXPECT_FALSE(app.mount_points[0].read_only);
  ASSERT_EQ(app.ports.size(), 1u);
  EXPECT_EQ(app.ports[0].name.str(), "health");
  EXPECT_EQ(app.ports[0].port, 4000);
  EXPECT_EQ(app.ports[0].count, 1);  // the default
  EXPECT_EQ(app.ports[0].protocol, "tcp");
  EXPECT_TRUE(app.ports[0].socket_activated);
  EXPECT_EQ(app.user_annotations, (StringMap{{"owner", "team-a"}}));
  EXPECT_EQ(app.user_labels, (StringMap{{"tier", "backend"}}));

  ASSERT_EQ(m.dependencies.size(), 1u);
  EXPECT_EQ(m.dependencies[0].image_name.str(), "example.com/reduce-worker-base");
  ASSERT_TRUE(m.dependencies[0].image_id);
  EXPECT_TRUE(m.dependencies[0].image_id->is_full());
  EXPECT_EQ(m.dependencies[0].labels.size(), 2u);
  EXPECT_EQ(m.dependencies[0].size, 123456u);
  EXPECT_EQ(m.path_whitelist.size(), 3u);
  ASSERT_EQ(m.annotations.size(), 5u);
  EXPECT_EQ(find_annotation(m.annotations, "homepage"), "https://example.com");
  EXPECT_EQ(find_annotation(m.annotations, "created"), "2014-10-27T19:32:27.67021798Z");
  EXPECT_EQ(find_annotation(m.annotations, "nope"), std::nullopt);
  EXPECT_TRUE(validate_image_manifest(m));
}

TEST(ImageManifestDecode, DefaultsWhenAbsent) {
  auto r = decode_image_manifest(image(""));
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_FALSE(r->app);
  EXPECT_TRUE(r->labels.empty());
  EXPECT_TRUE(r->dependencies.empty());
  EXPECT_TRUE(r->path_whitelist.empty());
  EXPECT_TRUE(r->annotations.empty());
  auto nulls = decode_image_manifest(image(R"(, "app": null, "labels": null)"));
  ASSERT_TRUE(nulls) << nulls.error().text();
  EXPECT_FALSE(nulls->app);
  EXPECT_TRUE(nulls->labels.empty());
}

TEST(ImageManifestDecode, AppDefaults) {
  auto r = decode_image_manifest(with_app(
      R"(, "mountPoints": [{"name": "db", "path": "/db"}], "ports": [{"name": "p", "port": 80, "protocol": "tcp"}])"));
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_TRUE(r->app);
  EXPECT_TRUE(r->app->exec.empty());
  EXPECT_TRUE(r->app->working_directory.empty());
  EXPECT_FALSE(r->app->mount_points.at(0).read_only);
  EXPECT_EQ(r->app->ports.at(0).count, 1);
  EXPECT_FALSE(r->app->ports.at(0).socket_activated);
}

TEST(ImageManifestDecode, CaseInsensitiveKeysReachTheirFields) {
  auto r = decode_image_manifest(image(
      R"(, "App": {"User": "1", "GROUP": "2", "Exec": ["/bin/x"], "supplementaryGids": [7], "WorkingDirectory": "/w"})"));
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_TRUE(r->app);
  EXPECT_EQ(r->app->user, "1");
  EXPECT_EQ(r->app->group, "2");
  EXPECT_EQ(r->app->exec, std::vector<std::string>{"/bin/x"});
  EXPECT_EQ(r->app->supplementary_gids, std::vector<uint32_t>{7});
  EXPECT_EQ(r->app->working_directory, "/w");
}

// Of two keys that fold to the same field, Go keeps the last; Rocket must never keep the first
// (refusing the document is fine too).
TEST(ImageManifestDecode, RepeatedKeyNeverKeepsTheFirst) {
  auto r = decode_image_manifest(
      R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/a", "NAME": "example.com/b"})");
  if (r) {
    EXPECT_EQ(r->name.str(), "example.com/b");
  }
  auto same_case = decode_image_manifest(
      R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/a", "name": "example.com/b"})");
  if (same_case) {
    EXPECT_EQ(same_case->name.str(), "example.com/b");
  }
}

TEST(ImageManifestDecode, SizeLimit) {
  const std::string base = image("");
  // Pads with JSON whitespace before the closing brace up to `size` bytes.
  auto padded = [&](size_t size) {
    std::string s = base.substr(0, base.size() - 1);
    s.append(size - base.size(), ' ');
    s += '}';
    return s;
  };
  auto at_limit = decode_image_manifest(padded(kMaxManifestSize));
  EXPECT_TRUE(at_limit) << at_limit.error().text();
  EXPECT_FALSE(decode_image_manifest(padded(kMaxManifestSize + 1)));
  // A big annotation value counts as much as whitespace.
  EXPECT_FALSE(
      decode_image_manifest(annotations(label("authors", std::string(kMaxManifestSize, 'a')))));
}

TEST(ImageManifestDecode, SpecExampleFileRejectedForItsPlaceholderId) {
  std::ifstream in("/usr/share/doc/appc-spec/examples/image.json");
  if (!in) GTEST_SKIP() << "appc-spec examples not installed";
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = decode_image_manifest(ss.str());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("dependencies[0].imageID"), std::string::npos)
      << r.error().text();
}

// --- validate on hand-built values ----------------------------------------------------------

ImageManifest minimal_manifest() {
  auto r = decode_image_manifest(with_app(R"(, "exec": ["/bin/true"])"));
  EXPECT_TRUE(r);
  return *r;
}

TEST(ImageManifestValidate, RulesApplyToHandBuiltValues) {
  ImageManifest m = minimal_manifest();
  EXPECT_TRUE(validate_image_manifest(m));

  ImageManifest dup_label = m;
  dup_label.labels.push_back({*AcIdentifier::parse("version"), "1"});
  dup_label.labels.push_back({*AcIdentifier::parse("version"), "2"});
  EXPECT_FALSE(validate_image_manifest(dup_label));

  ImageManifest name_label = m;
  name_label.labels.push_back({*AcIdentifier::parse("name"), "x"});
  EXPECT_FALSE(validate_image_manifest(name_label));

  ImageManifest bad_arch = m;
  bad_arch.labels.push_back({*AcIdentifier::parse("os"), "linux"});
  bad_arch.labels.push_back({*AcIdentifier::parse("arch"), "arm64"});
  EXPECT_FALSE(validate_image_manifest(bad_arch));

  ImageManifest relative_whitelist = m;
  relative_whitelist.path_whitelist = {"etc"};
  EXPECT_FALSE(validate_image_manifest(relative_whitelist));

  ImageManifest bad_created = m;
  bad_created.annotations.push_back({*AcIdentifier::parse("created"), "today"});
  EXPECT_FALSE(validate_image_manifest(bad_created));

  ImageManifest empty_exec = m;
  empty_exec.app->exec = {"/bin/sh", ""};
  auto s = validate_image_manifest(empty_exec);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("exec[1]"), std::string::npos) << s.error().text();
}

struct AppCase {
  std::string name;
  void (*mutate)(App&);
  bool valid;
  std::string path = "";
};

void PrintTo(const AppCase& c, std::ostream* os) { *os << c.name; }

class ValidateAppTest : public testing::TestWithParam<AppCase> {};

TEST_P(ValidateAppTest, Validate) {
  const AppCase& c = GetParam();
  App app;
  app.user = "0";
  app.group = "0";
  c.mutate(app);
  auto s = validate_app(app);
  ASSERT_EQ(s.has_value(), c.valid) << (s ? "" : s.error().text());
  if (!s) {
    EXPECT_NE(s.error().text().find(c.path), std::string::npos) << s.error().text();
  }
}

Isolator make(std::string_view name, std::string_view value) {
  auto r = make_isolator(name, value);
  EXPECT_TRUE(r) << name << ": " << r.error().text();
  return *r;
}

INSTANTIATE_TEST_SUITE_P(
    HandBuilt, ValidateAppTest,
    testing::Values(
        AppCase{"Minimal", [](App&) {}, true},
        AppCase{"EmptyUser", [](App& a) { a.user.clear(); }, false, "user"},
        AppCase{"EmptyGroup", [](App& a) { a.group.clear(); }, false, "group"},
        AppCase{"EmptyExecArgument", [](App& a) { a.exec = {""}; }, false, "exec[0]"},
        AppCase{"RelativeWorkingDirectory", [](App& a) { a.working_directory = "w"; }, false,
                "workingDirectory"},
        AppCase{"BadEnvName",
                [](App& a) {
                  a.environment = {{"0X", "1"}};
                },
                false, "environment[0]"},
        AppCase{"EnvNewline",
                [](App& a) {
                  a.environment = {{"X", "a\nb"}};
                },
                false, "environment[0]"},
        AppCase{"DuplicateEnv",
                [](App& a) {
                  a.environment = {{"X", "1"}, {"X", "2"}};
                },
                false, "environment[1]"},
        AppCase{
            "DuplicateEventHandler",
            [](App& a) {
              a.event_handlers = {{EventName::kPreStart, {"/a"}}, {EventName::kPreStart, {"/b"}}};
            },
            false, "eventHandlers[1]"},
        AppCase{"EventHandlerNoExec",
                [](App& a) {
                  a.event_handlers = {{EventName::kPostStop, {}}};
                },
                false, "eventHandlers[0]"},
        AppCase{"PortZero",
                [](App& a) {
                  a.ports = {{*AcName::parse("p"), "tcp", 0, 1, false}};
                },
                false, "ports[0]"},
        AppCase{"PortRangeOverflow",
                [](App& a) {
                  a.ports = {{*AcName::parse("p"), "tcp", 65535, 2, false}};
                },
                false, "ports[0]"},
        AppCase{"PortNoProtocol",
                [](App& a) {
                  a.ports = {{*AcName::parse("p"), "", 80, 1, false}};
                },
                false, "ports[0]"},
        AppCase{"MountPointRelative",
                [](App& a) {
                  a.mount_points = {{*AcName::parse("m"), "m", false}};
                },
                false, "mountPoints[0]"},
        AppCase{
            "DuplicateIsolator",
            [](App& a) {
              a.isolators = {make("os/linux/cpu-shares", "2"), make("os/linux/cpu-shares", "3")};
            },
            false, "isolators[1]"},
        AppCase{"CapsRetainAndRemove",
                [](App& a) {
                  a.isolators = {
                      make("os/linux/capabilities-retain-set", R"({"set":["CAP_KILL"]})"),
                      make("os/linux/capabilities-remove-set", R"({"set":["CAP_CHOWN"]})")};
                },
                false, "isolators"},
        AppCase{
            "TwoDifferentIsolators",
            [](App& a) {
              a.isolators = {make("os/linux/cpu-shares", "2"), make("os/linux/oom-score-adj", "3")};
            },
            true}),
    [](const testing::TestParamInfo<AppCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace appc
