// The pod manifest from images and flags: merged app sections, names, volumes and mounts,
// annotations, and the errors that must name what is wrong.
#include "stage0/run/pod_manifest_builder.h"

#include <gtest/gtest.h>

#include <functional>

#include "stage0/test_support.h"

namespace stage0::run {
namespace {

const std::string kIdA = "sha512-" + std::string(128, 'a');
const std::string kIdB = "sha512-" + std::string(128, 'b');

appc::ImageManifest manifest(const std::string& json) {
  auto m = appc::decode_image_manifest(json);
  EXPECT_TRUE(m) << m.error().text();
  return *m;
}

const char* kBusybox = R"({"acKind":"ImageManifest","acVersion":"0.8.11",
  "name":"rocket.example/busybox","labels":[{"name":"os","value":"linux"},
  {"name":"arch","value":"amd64"},{"name":"version","value":"1.0"}],
  "app":{"exec":["/bin/sh","-c","echo hi"],"user":"0","group":"0",
  "environment":[{"name":"PATH","value":"/bin"},{"name":"IMG","value":"image"}],
  "mountPoints":[{"name":"data","path":"/data"}]}})";

const char* kNoApp =
    R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/tools.x"})";

PodSpec spec_with(std::vector<ResolvedApp> apps) {
  PodSpec s;
  s.ac_version = "0.8.11";
  s.volumes = {"data,kind=empty"};
  s.apps = std::move(apps);
  return s;
}
ResolvedApp busybox(AppArgs args = {}) {
  if (args.image.empty()) args.image = "busybox.aci";
  return ResolvedApp{args, kIdA, manifest(kBusybox)};
}

TEST(BuildPodManifest, ImageDefaults) {
  auto pm = build_pod_manifest(spec_with({busybox()}));
  ASSERT_TRUE(pm) << pm.error().text();
  ASSERT_EQ(pm->apps.size(), 1u);
  const appc::RuntimeApp& a = pm->apps[0];
  EXPECT_EQ(a.name.str(), "busybox");
  EXPECT_EQ(a.image.id->str(), kIdA);
  EXPECT_EQ(a.image.name->str(), "rocket.example/busybox");
  EXPECT_EQ(appc::find_label(a.image.labels, "version"), "1.0");
  ASSERT_TRUE(a.app);
  EXPECT_EQ(a.app->exec, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  ASSERT_EQ(a.mounts.size(), 1u);  // the image's mount point, satisfied by --volume data
  EXPECT_EQ(a.mounts[0].path, "/data");
  EXPECT_EQ(appc::find_annotation(pm->annotations, kMutableAnnotation), "false");
  EXPECT_EQ(pm->volumes.size(), 1u);
}

TEST(BuildPodManifest, ExecOverrideAndArgs) {
  AppArgs args{.image = "b.aci", .exec = "/bin/echo"};
  args.args = {"a", "b"};
  args.has_args = true;
  auto pm = build_pod_manifest(spec_with({busybox(args)}));
  ASSERT_TRUE(pm) << pm.error().text();
  EXPECT_EQ(pm->apps[0].app->exec, (std::vector<std::string>{"/bin/echo", "a", "b"}));
}

TEST(BuildPodManifest, ArgsAppendToTheImageExec) {
  AppArgs args{.image = "b.aci"};
  args.args = {"x"};
  args.has_args = true;
  auto pm = build_pod_manifest(spec_with({busybox(args)}));
  ASSERT_TRUE(pm) << pm.error().text();
  EXPECT_EQ(pm->apps[0].app->exec, (std::vector<std::string>{"/bin/sh", "-c", "echo hi", "x"}));
}

TEST(BuildPodManifest, OverridesAndEnvironment) {
  AppArgs args{.image = "b.aci",
               .working_dir = "/tmp",
               .user = "1000",
               .group = "100",
               .supplementary_gids = "5,6",
               .environment = {{"IMG", "app"}},
               .readonly_rootfs = true,
               .user_annotations = {"a=b"},
               .user_labels = {"c=d"},
               .annotations = {"example.com/x=y"}};
  PodSpec s = spec_with({busybox(args)});
  s.env.explicit_ = {{"SET", "1"}, {"IMG", "set"}};
  auto pm = build_pod_manifest(s);
  ASSERT_TRUE(pm) << pm.error().text();
  const appc::RuntimeApp& a = pm->apps[0];
  EXPECT_EQ(a.app->user, "1000");
  EXPECT_EQ(a.app->group, "100");
  EXPECT_EQ(a.app->supplementary_gids, (std::vector<uint32_t>{5, 6}));
  EXPECT_EQ(a.app->working_directory, "/tmp");
  EXPECT_TRUE(a.read_only_root_fs);
  EXPECT_EQ(a.app->user_annotations.at("a"), "b");
  EXPECT_EQ(a.app->user_labels.at("c"), "d");
  EXPECT_EQ(appc::find_annotation(a.annotations, "example.com/x"), "y");
  appc::Environment want = {{"PATH", "/bin"}, {"IMG", "app"}, {"SET", "1"}};
  EXPECT_EQ(a.app->environment, want);
}

TEST(BuildPodManifest, IsolatorFlagsReplaceTheImagesAndAreChecked) {
  AppArgs args{.image = "b.aci", .memory = "128Mi", .cpu = "500m"};
  auto pm = build_pod_manifest(spec_with({busybox(args)}));
  ASSERT_TRUE(pm) << pm.error().text();
  const auto& isolators = pm->apps[0].app->isolators;
  ASSERT_EQ(isolators.size(), 2u);
  EXPECT_EQ(std::get<appc::ResourceMemory>(isolators[0].value).limit->value(), 134217728);
  EXPECT_EQ(std::get<appc::ResourceCpu>(isolators[1].value).limit->milli_value(), 500);

  auto bad = build_pod_manifest(spec_with({busybox(AppArgs{.image = "b.aci", .memory = "x"})}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("app busybox: --memory \"x\""), std::string::npos)
      << bad.error().text();
}

TEST(BuildPodManifest, ImageWithoutAppNeedsExecAndRunsAsRoot) {
  ResolvedApp bare{AppArgs{.image = "t.aci"}, kIdB, manifest(kNoApp)};
  PodSpec s = spec_with({bare});
  auto pm = build_pod_manifest(s);
  ASSERT_FALSE(pm);
  EXPECT_NE(pm.error().text().find("give one with --exec"), std::string::npos);
  s.apps[0].args.exec = "/bin/true";
  pm = build_pod_manifest(s);
  ASSERT_TRUE(pm) << pm.error().text();
  EXPECT_EQ(pm->apps[0].name.str(), "tools-x");  // sanitised last path element
  EXPECT_EQ(pm->apps[0].app->user, "0");
}

TEST(BuildPodManifest, DuplicateAppNamesRefused) {
  auto pm = build_pod_manifest(spec_with({busybox(), busybox()}));
  ASSERT_FALSE(pm);
  EXPECT_NE(pm.error().text().find("two apps are named \"busybox\""), std::string::npos);
  pm = build_pod_manifest(spec_with({busybox(), busybox(AppArgs{.image = "x", .name = "two"})}));
  EXPECT_TRUE(pm) << pm.error().text();
}

TEST(BuildPodManifest, MountsPodWideAndPerApp) {
  PodSpec s = spec_with({busybox(AppArgs{.image = "a", .mounts = {"volume=data,target=/x"}}),
                         busybox(AppArgs{.image = "b", .name = "two"})});
  s.volumes.push_back("host,kind=host,source=/tmp");
  s.mounts = {"volume=host,target=/x", "volume=host,target=/y"};
  auto pm = build_pod_manifest(s);
  ASSERT_TRUE(pm) << pm.error().text();
  auto find = [](const appc::RuntimeApp& a, const std::string& path) -> std::string {
    for (const auto& m : a.mounts) {
      if (m.path == path) return m.volume.str();
    }
    return "";
  };
  EXPECT_EQ(find(pm->apps[0], "/x"), "data");  // the app's own wins on the same path
  EXPECT_EQ(find(pm->apps[0], "/y"), "host");
  EXPECT_EQ(find(pm->apps[1], "/x"), "host");
  EXPECT_EQ(find(pm->apps[1], "/data"), "data");
}

struct BadCase {
  std::string name;
  std::function<void(PodSpec&)> change;
  std::string error;
};
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }
class BuildPodManifestErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BuildPodManifestErrorTest, Refused) {
  PodSpec s = spec_with({busybox()});
  GetParam().change(s);
  auto pm = build_pod_manifest(s);
  ASSERT_FALSE(pm);
  EXPECT_NE(pm.error().text().find(GetParam().error), std::string::npos) << pm.error().text();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BuildPodManifestErrorTest,
    ::testing::Values(
        BadCase{"BadVolume", [](PodSpec& s) { s.volumes = {"data,kind=nfs"}; }, "--volume"},
        BadCase{"VolumeTwice", [](PodSpec& s) { s.volumes.push_back("data,kind=empty"); },
                "defined twice"},
        BadCase{"UndefinedVolume", [](PodSpec& s) { s.volumes.clear(); }, "needs volume \"data\""},
        BadCase{"MountWithoutTarget", [](PodSpec& s) { s.mounts = {"volume=data"}; },
                "needs volume=NAME,target=PATH"},
        BadCase{"MountUnknownKey", [](PodSpec& s) { s.mounts = {"volume=data,target=/a,x=1"}; },
                "unknown mount parameter"},
        BadCase{"MountRelativeTarget", [](PodSpec& s) { s.mounts = {"volume=data,target=a"}; },
                "absolute"},
        BadCase{"BadAppName", [](PodSpec& s) { s.apps[0].args.name = "Not_A_Name"; }, "--name"},
        BadCase{"BadGids", [](PodSpec& s) { s.apps[0].args.supplementary_gids = "1,x"; },
                "--supplementary-gids"},
        BadCase{"BadAnnotationName", [](PodSpec& s) { s.annotations = {"Bad Name=1"}; },
                "--annotation"},
        BadCase{"ReservedAnnotation",
                [](PodSpec& s) { s.annotations = {"coreos.com/rkt/stage1/mutable=true"}; },
                "rkt's own"},
        BadCase{"UserLabelWithoutValue", [](PodSpec& s) { s.user_labels = {"x"}; }, "--user-label"},
        BadCase{"RelativeWorkingDir", [](PodSpec& s) { s.apps[0].args.working_dir = "rel"; },
                "app busybox"},
        BadCase{"NoApps", [](PodSpec& s) { s.apps.clear(); }, "no image to run"}),
    testing_support::case_name<BadCase>);

TEST(DefaultAppName, LastPathElementSanitised) {
  EXPECT_EQ(default_app_name(*appc::AcIdentifier::parse("coreos.com/etcd"))->str(), "etcd");
  EXPECT_EQ(default_app_name(*appc::AcIdentifier::parse("example.com/my.app"))->str(), "my-app");
  EXPECT_EQ(default_app_name(*appc::AcIdentifier::parse("single"))->str(), "single");
}

TEST(Platform, ArchNamesAndCheck) {
  EXPECT_EQ(appc_arch_of("x86_64"), "amd64");
  EXPECT_EQ(appc_arch_of("i686"), "i386");
  EXPECT_EQ(appc_arch_of("aarch64"), "aarch64");
  EXPECT_EQ(appc_arch_of("pdp11"), "");
  const appc::ImageManifest m = manifest(kBusybox);
  EXPECT_TRUE(check_platform(m, "linux", "amd64"));
  EXPECT_FALSE(check_platform(m, "linux", "aarch64"));
  EXPECT_FALSE(check_platform(m, "freebsd", "amd64"));
  EXPECT_TRUE(check_platform(manifest(kNoApp), "linux", "aarch64"));
}

}  // namespace
}  // namespace stage0::run

namespace stage0::run {
namespace {

TEST(PortFlag, NameOptionalHostIpAndPort) {
  auto p = parse_port_flag("http:8080");
  ASSERT_TRUE(p) << p.error().text();
  EXPECT_EQ(p->name.str(), "http");
  EXPECT_EQ(p->host_port, 8080);
  EXPECT_EQ(p->host_ip, "");
  auto q = parse_port_flag("dns:127.0.0.1:53");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->host_ip, "127.0.0.1");
  EXPECT_EQ(q->host_port, 53);
  for (const char* bad : {"http", "http:", "http:0", "http:65536", "http:80x", "Bad Name:80",
                          "http:1.2.3:80", ":80"}) {
    EXPECT_FALSE(parse_port_flag(bad)) << bad;
  }
}

TEST(PortFlag, MustNameAPortOfAnApp) {
  ResolvedApp web = busybox();
  web.manifest.app->ports.push_back(appc::Port{*appc::AcName::parse("http"), "tcp", 80, 1, false});
  PodSpec s = spec_with({web});
  s.ports = {"http:8080"};
  auto pm = build_pod_manifest(s);
  ASSERT_TRUE(pm) << pm.error().text();
  ASSERT_EQ(pm->ports.size(), 1u);
  EXPECT_EQ(pm->ports[0].host_port, 8080);
  s.ports = {"nope:8080"};
  auto bad = build_pod_manifest(s);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().text().find("no app's image has a port named nope"), std::string::npos);
  s.ports = {"http:8080", "http:8081"};
  EXPECT_FALSE(build_pod_manifest(s));
}

}  // namespace
}  // namespace stage0::run
