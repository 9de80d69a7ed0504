// The Pod Manifest: apps, volumes, mounts, pod isolators, exposed ports, annotations, and rkt's
// --volume flag syntax. An invalid case names the JSON path its error must mention.
#include "appc-spec/pod_manifest.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "appc-spec/image_manifest.h"  // kMaxManifestSize

namespace appc {

namespace test_cases {
// Shared with roundtrip_test.cc: every valid manifest of the table below, by test name.
std::vector<std::pair<std::string, std::string>> valid_pod_manifests();
}  // namespace test_cases

namespace {

const std::string kId =
    "sha512-8d3fffddf79e9a232ffd19f9ccaa4d6b37a6a243dbe0f23137b108a043d9da13121a9b505c804956b22e93"
    "c7f93969f4a7ba8ddea45bf4aab0bebc8f814e0990";

std::string pod(const std::string& extra) {
  return R"({"acKind": "PodManifest", "acVersion": "0.8.11")" + extra + "}";
}
// One runtime app named `name`, with an image ID and `more` (which starts with a comma).
std::string app(const std::string& name, const std::string& more = "") {
  return R"({"name": ")" + name + R"(", "image": {"id": ")" + kId + R"("})" + more + "}";
}
std::string apps(const std::string& list) { return pod(R"(, "apps": [)" + list + "]"); }
// One app with an app section (user and group set) plus `fields`.
std::string app_override(const std::string& fields) {
  return apps(app("web", R"(, "app": {"user": "0", "group": "0")" + fields + "}"));
}
std::string volumes(const std::string& list) { return pod(R"(, "volumes": [)" + list + "]"); }
// One app mounting `mounts`, next to the volumes `vols`.
std::string mounts(const std::string& mount_list, const std::string& vols = "") {
  return pod(R"(, "apps": [)" + app("web", R"(, "mounts": [)" + mount_list + "]") +
             R"(], "volumes": [)" + vols + "]");
}
const std::string kDbVolume = R"({"name": "db", "kind": "host", "source": "/srv/db"})";
std::string pod_isolators(const std::string& list) {
  return pod(R"(, "isolators": [)" + list + "]");
}
std::string iso(const std::string& name, const std::string& value) {
  return R"({"name": ")" + name + R"(", "value": )" + value + "}";
}
std::string ports(const std::string& list) { return pod(R"(, "ports": [)" + list + "]"); }

struct Case {
  std::string name;
  std::string json;
  bool valid;
  std::string path = "";  // invalid only: what the error text must contain
};

const std::vector<Case>& pod_cases() {
  static const std::vector<Case> cases = {
      // --- top level ---
      {"NoApps", pod(""), true},
      {"EmptyApps", pod(R"(, "apps": [])"), true},
      {"TemplateVersion", R"({"acKind": "PodManifest", "acVersion": "0.3.0", "apps": []})", true},
      {"CaseInsensitiveKeys",
       R"({"ACKind": "PodManifest", "ACVERSION": "0.8.11", "Apps": [{"NAME": "a", "Image": {"ID": ")" +
           kId + R"("}}]})",
       true},
      {"UnknownField", pod(R"(, "whatever": [1, {"x": null}])"), true},
      {"MissingAcKind", R"({"acVersion": "0.8.11", "apps": []})", false, "acKind"},
      {"AcKindImage", R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "a"})", false,
       "acKind"},
      {"AcKindLowercase", R"({"acKind": "podmanifest", "acVersion": "0.8.11"})", false, "acKind"},
      {"MissingAcVersion", R"({"acKind": "PodManifest", "apps": []})", false, "acVersion"},
      {"AcVersionZero", R"({"acKind": "PodManifest", "acVersion": "0.0.0"})", false, "acVersion"},
      {"AppsNotList", pod(R"(, "apps": {"name": "a"})"), false, "apps"},
      {"NotJson", "{", false},

      // --- apps ---
      {"AppWithId", apps(app("web")), true},
      {"TwoApps", apps(app("web") + "," + app("db")), true},
      {"AppSameImageTwice", apps(app("web-1") + "," + app("web-2")), true},
      {"TemplateAppWithoutId",
       apps(
           R"({"name": "backup", "image": {"name": "example.com/worker-backup", "labels": [{"name": "version", "value": "latest"}]}})"),
       true},
      {"AppNameDot", apps(app("a.b")), false, "apps[0].name"},
      {"AppNameUppercase", apps(app("Web")), false, "apps[0].name"},
      {"AppNameTooLong", apps(app(std::string(64, 'a'))), false, "apps[0].name"},
      {"AppNoImage", apps(R"({"name": "web"})"), false, "apps[0].image"},
      {"AppNoName", apps(R"({"image": {"id": ")" + kId + R"("}})"), false, "apps[0].name"},
      {"AppDuplicateNames", apps(app("web") + "," + app("db") + "," + app("web")), false,
       "apps[2].name"},
      {"ImageIdPlaceholder", apps(R"({"name": "a", "image": {"id": "sha512-..."}})"), false,
       "apps[0].image.id"},
      {"ImageIdSha256", apps(R"({"name": "a", "image": {"id": "sha256-abcd"}})"), false,
       "apps[0].image.id"},
      {"ImageIdSecondApp", apps(app("a") + R"(, {"name": "b", "image": {"id": "sha512-xyz"}})"),
       false, "apps[1].image.id"},
      {"ImageNameUppercase", apps(R"({"name": "a", "image": {"name": "Example.com/x"}})"), false,
       "apps[0].image.name"},
      {"ImageLabelsArm64",
       apps(
           R"({"name": "a", "image": {"labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "arm64"}]}})"),
       false, "apps[0].image.labels"},
      {"ImageLabelNamedName",
       apps(R"({"name": "a", "image": {"labels": [{"name": "name", "value": "x"}]}})"), false,
       "apps[0].image.labels[0].name"},
      {"ReadOnlyRootFs", apps(app("a", R"(, "readOnlyRootFS": true)")), true},
      {"ReadOnlyRootFsString", apps(app("a", R"(, "readOnlyRootFS": "yes")")), false,
       "apps[0].readOnlyRootFS"},

      // --- apps[].app: the full app schema ---
      {"AppOverride", app_override(R"(, "exec": ["/usr/bin/reduce-worker", "--debug=true"])"),
       true},
      {"AppOverrideEmptyExecArgument", app_override(R"(, "exec": ["/bin/sh", ""])"), false,
       "apps[0].app.exec[1]"},
      {"AppOverrideMissingUser", apps(app("web", R"(, "app": {"group": "0"})")), false,
       "apps[0].app.user"},
      {"AppOverrideUnknownIsolator",
       app_override(R"(, "isolators": [)" + iso("example.com/custom", "{}") + "]"), false,
       "apps[0].app.isolators[0]"},
      {"AppOverrideDuplicateIsolator",
       app_override(R"(, "isolators": [)" + iso("os/linux/cpu-shares", "2") + "," +
                    iso("os/linux/cpu-shares", "4") + "]"),
       false, "apps[0].app.isolators[1]"},
      {"AppOverrideBadEnv", app_override(R"(, "environment": [{"name": "0X", "value": "1"}])"),
       false, "apps[0].app.environment[0].name"},
      {"AppOverrideSecondApp",
       apps(app("a") + "," +
            app("b", R"(, "app": {"user": "0", "group": "0", "workingDirectory": "rel"})")),
       false, "apps[1].app.workingDirectory"},

      // --- apps[].mounts ---
      {"MountDefinedVolume", mounts(R"({"volume": "db", "path": "/var/lib/db"})", kDbVolume), true},
      {"MountTwiceSameVolume",
       mounts(R"({"volume": "db", "path": "/a"}, {"volume": "db", "path": "/b"})", kDbVolume),
       true},
      {"MountAppVolume",
       mounts(
           R"({"volume": "scratch", "path": "/tmp", "appVolume": {"name": "scratch", "kind": "empty", "mode": "1777"}})"),
       true},
      {"MountSameTargetTwice",
       mounts(R"({"volume": "db", "path": "/a"}, {"volume": "out", "path": "/a"})",
              kDbVolume + R"(, {"name": "out", "kind": "empty"})"),
       false, "apps[0].mounts[1]"},
      {"MountUndefinedVolume", mounts(R"({"volume": "nope", "path": "/a"})", kDbVolume), false,
       "apps[0].mounts[0].volume"},
      {"MountMissingVolume", mounts(R"({"path": "/a"})", kDbVolume), false,
       "apps[0].mounts[0].volume"},
      {"MountBadVolumeName", mounts(R"({"volume": "Db", "path": "/a"})", kDbVolume), false,
       "apps[0].mounts[0].volume"},
      {"MountRelativePath", mounts(R"({"volume": "db", "path": "var/lib/db"})", kDbVolume), false,
       "apps[0].mounts[0].path"},
      {"MountMissingPath", mounts(R"({"volume": "db"})", kDbVolume), false,
       "apps[0].mounts[0].path"},
      {"MountSecondUndefined",
       mounts(R"({"volume": "db", "path": "/a"}, {"volume": "other", "path": "/b"})", kDbVolume),
       false, "apps[0].mounts[1].volume"},
      {"MountBadAppVolume",
       mounts(
           R"({"volume": "s", "path": "/s", "appVolume": {"name": "s", "kind": "host", "source": "rel"}})"),
       false, "apps[0].mounts[0].appVolume"},

      // --- apps[].annotations ---
      {"AppAnnotations", apps(app("a", R"(, "annotations": [{"name": "foo", "value": "baz"}])")),
       true},
      {"AppAnnotationsDuplicate",
       apps(app(
           "a",
           R"(, "annotations": [{"name": "foo", "value": "1"}, {"name": "foo", "value": "2"}])")),
       false, "apps[0].annotations[1]"},
      {"AppAnnotationUppercase",
       apps(app("a", R"(, "annotations": [{"name": "Foo", "value": "1"}])")), false,
       "apps[0].annotations[0].name"},

      // --- volumes ---
      {"VolumeHost", volumes(kDbVolume), true},
      {"VolumeHostOptions",
       volumes(
           R"({"name": "db", "kind": "host", "source": "/srv/db", "readOnly": true, "recursive": false})"),
       true},
      {"VolumeEmpty", volumes(R"({"name": "scratch", "kind": "empty"})"), true},
      {"VolumeEmptyOptions",
       volumes(
           R"({"name": "out", "kind": "empty", "mode": "0777", "uid": 1000, "gid": 1000, "readOnly": false})"),
       true},
      {"VolumeEmptyMode3Digits", volumes(R"({"name": "v", "kind": "empty", "mode": "755"})"), true},
      {"VolumesSeveral", volumes(kDbVolume + R"(, {"name": "out", "kind": "empty"})"), true},
      {"VolumeDuplicateNames", volumes(kDbVolume + R"(, {"name": "db", "kind": "empty"})"), false,
       "volumes[1]"},
      {"VolumeKindTmpfs", volumes(R"({"name": "v", "kind": "tmpfs"})"), false, "volumes[0].kind"},
      {"VolumeNoKind", volumes(R"({"name": "v"})"), false, "volumes[0].kind"},
      {"VolumeNoName", volumes(R"({"kind": "empty"})"), false, "volumes[0].name"},
      {"VolumeUppercaseName", volumes(R"({"name": "Work", "kind": "empty"})"), false,
       "volumes[0].name"},
      {"VolumeEmptyWithSource", volumes(R"({"name": "v", "kind": "empty", "source": "/srv"})"),
       false, "volumes[0].source"},
      {"VolumeEmptyWithRecursive", volumes(R"({"name": "v", "kind": "empty", "recursive": true})"),
       false, "volumes[0].recursive"},
      {"VolumeHostRelativeSource", volumes(R"({"name": "v", "kind": "host", "source": "srv"})"),
       false, "volumes[0].source"},
      {"VolumeHostNoSource", volumes(R"({"name": "v", "kind": "host"})"), false,
       "volumes[0].source"},
      {"VolumeHostWithMode",
       volumes(R"({"name": "v", "kind": "host", "source": "/srv", "mode": "0755"})"), false,
       "volumes[0].mode"},
      {"VolumeHostWithUid", volumes(R"({"name": "v", "kind": "host", "source": "/srv", "uid": 0})"),
       false, "volumes[0].uid"},
      {"VolumeHostWithGid", volumes(R"({"name": "v", "kind": "host", "source": "/srv", "gid": 1})"),
       false, "volumes[0].gid"},
      {"VolumeModeLetters", volumes(R"({"name": "v", "kind": "empty", "mode": "rwx"})"), false,
       "volumes[0].mode"},
      {"VolumeModeNotOctal", volumes(R"({"name": "v", "kind": "empty", "mode": "0789"})"), false,
       "volumes[0].mode"},
      {"VolumeModeFiveDigits", volumes(R"({"name": "v", "kind": "empty", "mode": "07555"})"), false,
       "volumes[0].mode"},
      {"VolumeModeTwoDigits", volumes(R"({"name": "v", "kind": "empty", "mode": "75"})"), false,
       "volumes[0].mode"},
      {"VolumeModeNumber", volumes(R"({"name": "v", "kind": "empty", "mode": 755})"), false,
       "volumes[0].mode"},
      {"VolumeUidNegative", volumes(R"({"name": "v", "kind": "empty", "uid": -1})"), false,
       "volumes[0].uid"},
      {"VolumeGidTooBig", volumes(R"({"name": "v", "kind": "empty", "gid": 4294967295})"), false,
       "volumes[0].gid"},
      {"VolumeUidMax", volumes(R"({"name": "v", "kind": "empty", "uid": 4294967294})"), true},
      {"VolumeUidFloat", volumes(R"({"name": "v", "kind": "empty", "uid": 1.5})"), false,
       "volumes[0].uid"},
      {"VolumeReadOnlyString", volumes(R"({"name": "v", "kind": "empty", "readOnly": "true"})"),
       false, "volumes[0].readOnly"},

      // --- pod isolators ---
      {"PodMemory", pod_isolators(iso("resource/memory", R"({"limit": "4G"})")), true},
      {"PodMemoryAndSysctl",
       pod_isolators(iso("resource/memory", R"({"limit": "4G"})") + "," +
                     iso("os/unix/sysctl", R"({"net.ipv4.tcp_fin_timeout": "6"})")),
       true},
      {"PodApparmor", pod_isolators(iso("os/linux/apparmor-profile", R"({"profile": "p"})")), true},
      {"PodSelinux",
       pod_isolators(iso("os/linux/selinux-context",
                         R"({"user": "u", "role": "r", "type": "t", "level": "s0"})")),
       true},
      {"PodUnknownKept", pod_isolators(iso("example.com/custom", R"({"a": [1, 2]})")), true},
      {"PodUnknownScalar", pod_isolators(iso("example.com/other", "42")), true},
      {"PodSysctlTwice",
       pod_isolators(iso("os/unix/sysctl", R"({"a": "1"})") + "," +
                     iso("os/unix/sysctl", R"({"b": "2"})")),
       false, "isolators[1]"},
      {"PodMemoryTwice",
       pod_isolators(iso("resource/memory", R"({"limit": "1G"})") + "," +
                     iso("resource/memory", R"({"limit": "2G"})")),
       false, "isolators[1]"},
      {"PodCpuSharesOne", pod_isolators(iso("os/linux/cpu-shares", "1")), false,
       "isolators[0].value"},
      {"PodMemoryNegative", pod_isolators(iso("resource/memory", R"({"limit": "-1"})")), false,
       "isolators[0].value"},
      {"PodSysctlIntValue", pod_isolators(iso("os/unix/sysctl", R"({"a": 1})")), false,
       "isolators[0].value"},
      {"PodIsolatorNoValue", pod_isolators(R"({"name": "resource/memory"})"), false,
       "isolators[0]"},
      {"PodUnknownNoValue", pod_isolators(R"({"name": "example.com/custom"})"), false,
       "isolators[0]"},
      {"PodIsolatorBadName", pod_isolators(iso("Example.com/X", "{}")), false, "isolators[0].name"},

      // --- pod annotations ---
      {"PodAnnotationIdentifier",
       pod(R"(, "annotations": [{"name": "example.com/ip", "value": "10.1.2.3"}])"), true},
      {"PodAnnotationPlain",
       pod(R"(, "annotations": [{"name": "ip-address", "value": "10.1.2.3"}])"), true},
      {"PodAnnotationDuplicate",
       pod(R"(, "annotations": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}])"), false,
       "annotations[1]"},
      {"PodAnnotationUppercase", pod(R"(, "annotations": [{"name": "IP", "value": "1"}])"), false,
       "annotations[0].name"},
      {"PodAnnotationBadCreated", pod(R"(, "annotations": [{"name": "created", "value": "now"}])"),
       false, "annotations[0].value"},

      // --- exposed ports ---
      {"PortMinimal", ports(R"({"name": "http", "hostPort": 8080})"), true},
      {"PortMax", ports(R"({"name": "http", "hostPort": 65535})"), true},
      {"PortHostIpV4", ports(R"({"name": "http", "hostPort": 80, "hostIP": "10.0.0.1"})"), true},
      {"PortHostIpV6", ports(R"({"name": "http", "hostPort": 80, "hostIP": "::1"})"), true},
      {"PortPodPort",
       ports(
           R"({"name": "http", "hostPort": 80, "podPort": {"name": "http", "protocol": "tcp", "port": 8080}})"),
       true},
      {"PortTwo", ports(R"({"name": "http", "hostPort": 80}, {"name": "https", "hostPort": 443})"),
       true},
      {"PortHostIpInvalid", ports(R"({"name": "http", "hostPort": 80, "hostIP": "not-an-ip"})"),
       false, "ports[0].hostIP"},
      {"PortHostIpOctet", ports(R"({"name": "http", "hostPort": 80, "hostIP": "10.0.0.256"})"),
       false, "ports[0].hostIP"},
      {"PortHostPortZero", ports(R"({"name": "http", "hostPort": 0})"), false, "ports[0].hostPort"},
      {"PortHostPortTooBig", ports(R"({"name": "http", "hostPort": 70000})"), false,
       "ports[0].hostPort"},
      {"PortHostPortMissing", ports(R"({"name": "http"})"), false, "ports[0].hostPort"},
      {"PortHostPortFloat", ports(R"({"name": "http", "hostPort": 80.5})"), false,
       "ports[0].hostPort"},
      {"PortHostPortNegative", ports(R"({"name": "http", "hostPort": -80})"), false,
       "ports[0].hostPort"},
      {"PortDuplicateNames",
       ports(R"({"name": "http", "hostPort": 80}, {"name": "http", "hostPort": 81})"), false,
       "ports[1]"},
      {"PortBadName", ports(R"({"name": "p_1", "hostPort": 80})"), false, "ports[0].name"},
      {"PortPodPortZero",
       ports(
           R"({"name": "http", "hostPort": 80, "podPort": {"name": "http", "protocol": "tcp", "port": 0}})"),
       false, "ports[0].podPort"},

      // --- user annotations and labels ---
      {"UserMaps", pod(R"(, "userAnnotations": {"A B": "c"}, "userLabels": {"Team": "x"})"), true},
      {"UserAnnotationsNumber", pod(R"(, "userAnnotations": {"a": 1})"), false, "userAnnotations"},
      {"UserLabelsNotObject", pod(R"(, "userLabels": "x")"), false, "userLabels"},
  };
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace

namespace test_cases {
std::vector<std::pair<std::string, std::string>> valid_pod_manifests() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Case& c : pod_cases()) {
    if (c.valid) out.emplace_back(c.name, c.json);
  }
  return out;
}
}  // namespace test_cases

namespace {

class PodManifestTest : public testing::TestWithParam<Case> {};

TEST_P(PodManifestTest, Decode) {
  const Case& c = GetParam();
  auto m = decode_pod_manifest(c.json);
  if (c.valid) {
    ASSERT_TRUE(m) << m.error().text() << "\n" << c.json;
    EXPECT_TRUE(validate_pod_manifest(*m));
    return;
  }
  ASSERT_FALSE(m) << "accepted: " << c.json;
  const std::string text = m.error().text();
  EXPECT_NE(text.find(c.path), std::string::npos)
      << "error \"" << text << "\" does not name \"" << c.path << "\"";
}

INSTANTIATE_TEST_SUITE_P(Schema, PodManifestTest, testing::ValuesIn(pod_cases()),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           return test_name(param_info.param.name);
                         });

// --- decoded values -------------------------------------------------------------------------

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PodManifestDecode, SpecRuntimeExample) {
  const std::string json = read_file("/usr/share/doc/appc-spec/examples/pod_runtime.json");
  if (json.empty()) GTEST_SKIP() << "appc-spec examples not installed";
  auto r = decode_pod_manifest(json);
  ASSERT_TRUE(r) << r.error().text();
  const PodManifest& m = *r;
  EXPECT_EQ(m.ac_version.str(), "0.8.11");
  ASSERT_EQ(m.apps.size(), 3u);
  EXPECT_EQ(m.apps[0].name.str(), "reduce-worker");
  ASSERT_TRUE(m.apps[0].image.id);
  EXPECT_TRUE(m.apps[0].image.id->is_full());
  ASSERT_TRUE(m.apps[0].image.name);
  EXPECT_EQ(m.apps[0].image.name->str(), "example.com/reduce-worker");
  ASSERT_TRUE(m.apps[0].app);
  EXPECT_EQ(m.apps[0].app->exec.size(), 3u);
  EXPECT_EQ(m.apps[0].app->mount_points.size(), 1u);
  ASSERT_EQ(m.apps[0].mounts.size(), 1u);
  EXPECT_EQ(m.apps[0].mounts[0].volume.str(), "dbvolume");
  EXPECT_EQ(m.apps[0].mounts[0].path, "/var/lib/db");
  EXPECT_FALSE(m.apps[0].mounts[0].app_volume);
  EXPECT_FALSE(m.apps[0].read_only_root_fs);
  EXPECT_FALSE(m.apps[1].app);
  EXPECT_EQ(find_label(m.apps[1].image.labels, "version"), "latest");
  EXPECT_EQ(m.apps[1].mounts.size(), 2u);
  EXPECT_EQ(find_annotation(m.apps[1].annotations, "foo"), "baz");
  EXPECT_TRUE(m.apps[2].mounts.empty());

  ASSERT_EQ(m.volumes.size(), 2u);
  EXPECT_EQ(m.volumes[0].name.str(), "dbvolume");
  EXPECT_EQ(m.volumes[0].kind, VolumeKind::kHost);
  EXPECT_EQ(m.volumes[0].source, "/opt/tenant1/database");
  EXPECT_EQ(m.volumes[0].read_only, true);
  EXPECT_EQ(m.volumes[0].mode, std::nullopt);
  EXPECT_EQ(m.volumes[0].uid, std::nullopt);
  EXPECT_EQ(m.volumes[1].kind, VolumeKind::kEmpty);
  EXPECT_EQ(m.volumes[1].mode, "0777");
  EXPECT_EQ(m.volumes[1].uid, 0);
  EXPECT_EQ(m.volumes[1].gid, 0);

  ASSERT_EQ(m.isolators.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<ResourceMemory>(m.isolators[0].value));
  EXPECT_EQ(std::get<ResourceMemory>(m.isolators[0].value).limit->value(), 4000000000);
  ASSERT_TRUE(std::holds_alternative<Sysctl>(m.isolators[1].value));
  EXPECT_EQ(std::get<Sysctl>(m.isolators[1].value).values,
            (std::map<std::string, std::string>{{"net.ipv4.tcp_fin_timeout", "6"}}));
  EXPECT_EQ(find_annotation(m.annotations, "ip-address"), "10.1.2.3");
  EXPECT_TRUE(validate_pod_manifest(m));
}

TEST(PodManifestDecode, SpecTemplateExample) {
  const std::string json = read_file("/usr/share/doc/appc-spec/examples/pod_template.json");
  if (json.empty()) GTEST_SKIP() << "appc-spec examples not installed";
  auto r = decode_pod_manifest(json);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->ac_version.str(), "0.3.0");
  ASSERT_EQ(r->apps.size(), 3u);
  EXPECT_TRUE(r->apps[0].image.id);
  EXPECT_FALSE(r->apps[1].image.id);
  EXPECT_FALSE(r->apps[2].image.id);
}

TEST(PodManifestDecode, EmptyVolumeDefaults) {
  auto r = decode_pod_manifest(volumes(R"({"name": "v", "kind": "empty"})"));
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->volumes.size(), 1u);
  const Volume& v = r->volumes[0];
  EXPECT_EQ(v.kind, VolumeKind::kEmpty);
  EXPECT_EQ(v.mode, "0755");
  EXPECT_EQ(v.uid, 0);
  EXPECT_EQ(v.gid, 0);
  EXPECT_EQ(v.source, "");
  EXPECT_EQ(v.recursive, std::nullopt);
}

TEST(PodManifestDecode, HostVolumeLeavesUnsetFieldsUnset) {
  auto r = decode_pod_manifest(volumes(kDbVolume));
  ASSERT_TRUE(r) << r.error().text();
  const Volume& v = r->volumes.at(0);
  EXPECT_EQ(v.kind, VolumeKind::kHost);
  EXPECT_EQ(v.source, "/srv/db");
  EXPECT_EQ(v.read_only, std::nullopt);
  EXPECT_EQ(v.recursive, std::nullopt);
  EXPECT_EQ(v.mode, std::nullopt);
  EXPECT_EQ(v.uid, std::nullopt);
  EXPECT_EQ(v.gid, std::nullopt);
}

TEST(PodManifestDecode, AppVolumeAndPorts) {
  auto r = decode_pod_manifest(pod(
      R"(, "apps": [)" +
      app("web",
          R"(, "mounts": [{"volume": "s", "path": "/s", "appVolume": {"name": "s", "kind": "empty", "mode": "0700", "uid": 5}}])") +
      R"(], "ports": [{"name": "http", "hostPort": 8080, "hostIP": "::1", "podPort": {"name": "http", "protocol": "tcp", "port": 80, "count": 3}}])"));
  ASSERT_TRUE(r) << r.error().text();
  const Mount& mount = r->apps.at(0).mounts.at(0);
  ASSERT_TRUE(mount.app_volume);
  EXPECT_EQ(mount.app_volume->mode, "0700");
  EXPECT_EQ(mount.app_volume->uid, 5);
  EXPECT_EQ(mount.app_volume->gid, 0);
  const ExposedPort& port = r->ports.at(0);
  EXPECT_EQ(port.name.str(), "http");
  EXPECT_EQ(port.host_port, 8080);
  EXPECT_EQ(port.host_ip, "::1");
  ASSERT_TRUE(port.pod_port);
  EXPECT_EQ(port.pod_port->port, 80);
  EXPECT_EQ(port.pod_port->count, 3);
}

TEST(PodManifestDecode, UnknownPodIsolatorIsKept) {
  auto r = decode_pod_manifest(pod_isolators(iso("example.com/custom", R"({"a": [1, 2]})")));
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->isolators.size(), 1u);
  EXPECT_EQ(r->isolators[0].name.str(), "example.com/custom");
  ASSERT_TRUE(std::holds_alternative<UnknownIsolator>(r->isolators[0].value));
  const std::string& json = std::get<UnknownIsolator>(r->isolators[0].value).value_json;
  EXPECT_NE(json.find("\"a\""), std::string::npos) << json;
}

TEST(PodManifestDecode, SizeLimit) {
  const std::string big = pod(R"(, "annotations": [{"name": "a", "value": ")" +
                              std::string(kMaxManifestSize, 'x') + R"("}])");
  EXPECT_FALSE(decode_pod_manifest(big));
}

// --- validate on hand-built values ----------------------------------------------------------

TEST(PodManifestValidate, RulesApplyToHandBuiltValues) {
  auto r = decode_pod_manifest(mounts(R"({"volume": "db", "path": "/db"})", kDbVolume));
  ASSERT_TRUE(r) << r.error().text();
  const PodManifest m = *r;
  EXPECT_TRUE(validate_pod_manifest(m));

  PodManifest dup_app = m;
  dup_app.apps.push_back(m.apps[0]);
  EXPECT_FALSE(validate_pod_manifest(dup_app));

  PodManifest dup_volume = m;
  dup_volume.volumes.push_back(m.volumes[0]);
  EXPECT_FALSE(validate_pod_manifest(dup_volume));

  PodManifest dangling = m;
  dangling.volumes.clear();
  auto s = validate_pod_manifest(dangling);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("apps[0].mounts[0]"), std::string::npos) << s.error().text();

  PodManifest host_mode = m;
  host_mode.volumes[0].mode = "0755";
  EXPECT_FALSE(validate_pod_manifest(host_mode));

  PodManifest bad_port = m;
  bad_port.ports.push_back({*AcName::parse("http"), 0, "", std::nullopt});
  EXPECT_FALSE(validate_pod_manifest(bad_port));

  PodManifest bad_ip = m;
  bad_ip.ports.push_back({*AcName::parse("http"), 80, "localhost", std::nullopt});
  EXPECT_FALSE(validate_pod_manifest(bad_ip));
}

// --- rkt's --volume flag --------------------------------------------------------------------

struct FlagCase {
  std::string name;
  std::string flag;
  bool valid;
  // Expected fields when valid.
  std::string volume_name = "";
  VolumeKind kind = VolumeKind::kEmpty;
  std::string source = "";
  std::optional<bool> read_only = std::nullopt;
  std::optional<bool> recursive = std::nullopt;
  std::optional<std::string> mode = std::nullopt;
  std::optional<int64_t> uid = std::nullopt, gid = std::nullopt;
};

void PrintTo(const FlagCase& c, std::ostream* os) { *os << c.name << " " << c.flag; }

class VolumeFlagTest : public testing::TestWithParam<FlagCase> {};

TEST_P(VolumeFlagTest, Parse) {
  const FlagCase& c = GetParam();
  auto r = parse_volume_flag(c.flag);
  ASSERT_EQ(r.has_value(), c.valid)
      << c.flag << ": " << (r ? std::string("accepted") : r.error().text());
  if (!r) return;
  EXPECT_EQ(r->name.str(), c.volume_name);
  EXPECT_EQ(r->kind, c.kind);
  EXPECT_EQ(r->source, c.source);
  EXPECT_EQ(r->read_only, c.read_only);
  EXPECT_EQ(r->recursive, c.recursive);
  EXPECT_EQ(r->mode, c.mode);
  EXPECT_EQ(r->uid, c.uid);
  EXPECT_EQ(r->gid, c.gid);
}

constexpr VolumeKind kHost = VolumeKind::kHost;
constexpr VolumeKind kEmpty = VolumeKind::kEmpty;

INSTANTIATE_TEST_SUITE_P(
    Rkt, VolumeFlagTest,
    testing::Values(
        // The reference code's table (schema/types/volume_test.go), plus recursive.
        FlagCase{"Host", "foobar,kind=host,source=/tmp", true, "foobar", kHost, "/tmp"},
        FlagCase{"HostReadOnlyFalse", "foobar,kind=host,source=/tmp,readOnly=false", true, "foobar",
                 kHost, "/tmp", false},
        FlagCase{"HostReadOnlyTrue", "foobar,kind=host,source=/tmp,readOnly=true", true, "foobar",
                 kHost, "/tmp", true},
        FlagCase{"PlaceholderName", "NAME,kind=host,source=/p,readOnly=true,recursive=false",
                 false},
        FlagCase{"HostAllOptions", "data,kind=host,source=/p,readOnly=true,recursive=false", true,
                 "data", kHost, "/p", true, false},
        FlagCase{"HostRecursive", "data,kind=host,source=/p,recursive=true", true, "data", kHost,
                 "/p", std::nullopt, true},
        FlagCase{"Empty", "foobar,kind=empty", true, "foobar", kEmpty, "", std::nullopt,
                 std::nullopt, "0755", 0, 0},
        FlagCase{"EmptyReadOnly", "foobar,kind=empty,readOnly=true", true, "foobar", kEmpty, "",
                 true, std::nullopt, "0755", 0, 0},
        FlagCase{"EmptyMode", "foobar,kind=empty,readOnly=true,mode=0777", true, "foobar", kEmpty,
                 "", true, std::nullopt, "0777", 0, 0},
        FlagCase{"EmptyUid", "foobar,kind=empty,mode=0777,uid=1000", true, "foobar", kEmpty, "",
                 std::nullopt, std::nullopt, "0777", 1000, 0},
        FlagCase{"EmptyUidGid", "foobar,kind=empty,mode=0777,uid=1000,gid=1000", true, "foobar",
                 kEmpty, "", std::nullopt, std::nullopt, "0777", 1000, 1000},
        FlagCase{"EmptyAll", "data,kind=empty,mode=0700,uid=1,gid=2", true, "data", kEmpty, "",
                 std::nullopt, std::nullopt, "0700", 1, 2},
        FlagCase{"BadName", "#foobar,kind=host,source=/tmp", false},
        FlagCase{"UnknownKey", "foobar,kind=host,source=/tmp,readOnly=true,asdf=asdf", false},
        FlagCase{"EmptyWithSource", "foobar,kind=empty,source=/tmp", false},
        FlagCase{"MissingKind", "foobar", false},
        FlagCase{"MissingKindWithSource", "foobar,source=/tmp", false},
        FlagCase{"KindTmpfs", "foobar,kind=tmpfs", false},
        FlagCase{"HostNoSource", "foobar,kind=host", false},
        FlagCase{"HostRelativeSource", "foobar,kind=host,source=tmp", false},
        FlagCase{"HostWithMode", "foobar,kind=host,source=/tmp,mode=0700", false},
        FlagCase{"HostWithUid", "foobar,kind=host,source=/tmp,uid=1", false},
        FlagCase{"HostWithGid", "foobar,kind=host,source=/tmp,gid=1", false},
        FlagCase{"EmptyRecursive", "foobar,kind=empty,recursive=true", false},
        FlagCase{"UppercaseName", "Foobar,kind=empty", false}, FlagCase{"EmptyString", "", false},
        FlagCase{"NoName", ",kind=empty", false},
        FlagCase{"ReadOnlyNotBool", "foobar,kind=host,source=/tmp,readOnly=maybe", false},
        FlagCase{"UidNotNumber", "foobar,kind=empty,uid=abc", false},
        FlagCase{"ModeNotOctal", "foobar,kind=empty,mode=999", false},
        FlagCase{"KeyWithoutValue", "foobar,kind", false},
        FlagCase{"KindTwice", "foobar,kind=empty,kind=host", false}),
    [](const testing::TestParamInfo<FlagCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace appc
