// The stage1 run argv, the runtime config, --hosts-entry, and the pod files written beneath the
// pod dir (in a temp dir, no root needed).
#include "stage0/run/pod_start.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "oslayer/fd.h"
#include "stage0/run/pod_files.h"

namespace stage0::run {
namespace {

TEST(Stage1RunArgv, ContractOrder) {
  StartOptions o;
  o.uuid = "u-1";
  EXPECT_EQ(stage1_run_argv("/p/init", o),
            (std::vector<std::string>{"/p/init", "--net=default", "u-1"}));
  o.debug = o.interactive = o.disable_capabilities = o.disable_paths = o.disable_seccomp = true;
  o.local_config = "/etc/rkt";
  o.hostname = "h";
  EXPECT_EQ(stage1_run_argv("/p/init", o),
            (std::vector<std::string>{"/p/init", "--debug", "--net=default", "--interactive",
                                      "--local-config=/etc/rkt", "--hostname=h",
                                      "--disable-capabilities-restriction", "--disable-paths",
                                      "--disable-seccomp", "u-1"}));
}

TEST(Stage1Argv, PassesTheNetwork) {
  StartOptions o;
  o.uuid = "u-1";
  o.net = "none";
  auto argv = stage1_run_argv("/p/init", o);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--net=none"), argv.end());
}

TEST(HostsEntries, MergedByIp) {
  auto e = parse_hosts_entries({"10.0.0.1=a,10.0.0.2=b", "10.0.0.1=c", "::1=six"});
  ASSERT_TRUE(e) << e.error().text();
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].names, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ((*e)[2].ip, "::1");
  EXPECT_FALSE(parse_hosts_entries({"nonsense"}));
  EXPECT_FALSE(parse_hosts_entries({"1.2.3.4="}));
  EXPECT_FALSE(parse_hosts_entries({"host"}));
  EXPECT_FALSE(parse_hosts_entries({"999.1.1.1=a"}));
  EXPECT_FALSE(parse_hosts_entries({"1.2.3.4=bad name"}));
  EXPECT_FALSE(parse_hosts_entries({"1.2.3.4=-dash"}));
  EXPECT_FALSE(parse_hosts_entries({"not-an-ip=x"}));
}

TEST(HostsEntries, HostAloneOnly) {
  EXPECT_TRUE(*hosts_entry_is_host({"host"}));
  EXPECT_FALSE(*hosts_entry_is_host({}));
  EXPECT_FALSE(*hosts_entry_is_host({"1.2.3.4=a"}));
  EXPECT_FALSE(hosts_entry_is_host({"host", "1.2.3.4=a"}));
  EXPECT_FALSE(hosts_entry_is_host({"1.2.3.4=a", "host"}));
}

TEST(Dns, ServersSearchOptionsDomain) {
  auto d = parse_dns({"10.0.0.1", "2001:db8::1"}, {"a.example"}, {"ndots:2"}, "pod.example");
  ASSERT_TRUE(d) << d.error().text();
  EXPECT_EQ(d->servers, (std::vector<std::string>{"10.0.0.1", "2001:db8::1"}));
  EXPECT_EQ(d->search, std::vector<std::string>{"a.example"});
  EXPECT_EQ(d->options, std::vector<std::string>{"ndots:2"});
  EXPECT_EQ(d->domain, "pod.example");
  EXPECT_TRUE(parse_dns({}, {}, {}, "")->empty());
  EXPECT_EQ(parse_dns({"host"}, {}, {}, "")->servers, std::vector<std::string>{"host"});
  EXPECT_EQ(parse_dns({"none"}, {}, {}, "")->servers, std::vector<std::string>{"none"});
}

TEST(Dns, Refused) {
  EXPECT_FALSE(parse_dns({"example.com"}, {}, {}, ""));
  EXPECT_FALSE(parse_dns({"10.0.0.256"}, {}, {}, ""));
  EXPECT_FALSE(parse_dns({"host", "10.0.0.1"}, {}, {}, ""));
  EXPECT_FALSE(parse_dns({"none"}, {"a"}, {}, ""));
  EXPECT_FALSE(parse_dns({}, {"a b"}, {}, ""));
  EXPECT_FALSE(parse_dns({}, {}, {"x\ny"}, ""));
  EXPECT_FALSE(parse_dns({}, {}, {}, "a;b"));
  EXPECT_FALSE(parse_dns({}, {""}, {}, ""));
}

TEST(RuntimeConfig, DnsAndHostsFromHost) {
  StartOptions o;
  o.hosts_from_host = true;
  o.dns.servers = {"10.0.0.1"};
  o.dns.domain = "d";
  auto j = nlohmann::json::parse(runtime_config_json(o));
  EXPECT_EQ(j["hostsFromHost"], true);
  EXPECT_EQ(j["dns"]["servers"][0], "10.0.0.1");
  EXPECT_EQ(j["dns"]["domain"], "d");
}

TEST(RuntimeConfig, Fields) {
  StartOptions o;
  o.hostname = "web";
  o.interactive = true;
  o.hosts_entries = {{"1.2.3.4", {"a", "b"}}};
  auto j = nlohmann::json::parse(runtime_config_json(o));
  EXPECT_EQ(j["hostname"], "web");
  EXPECT_EQ(j["interactive"], true);
  EXPECT_EQ(j["stopTimeout"], 10);
  EXPECT_EQ(j["hostsEntries"][0]["ip"], "1.2.3.4");
  EXPECT_EQ(j["hostsEntries"][0]["names"][1], "b");
  EXPECT_TRUE(j["dns"].is_object());
}

class PodFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rocket-podfiles-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    auto fd = oslayer::open_path(root_, O_RDONLY | O_DIRECTORY);
    ASSERT_TRUE(fd);
    dir_ = std::move(*fd);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
  oslayer::Fd dir_;
};

const char* kS1 =
    R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":"coreos.com/rkt/stage1-rocket",
  "annotations":[{"name":"coreos.com/rkt/stage1/run","value":"/init"}]})";

TEST_F(PodFilesTest, LayoutOfTheContract) {
  PodFiles f;
  // Two apps, web and db (their image IDs are not looked up here).
  const std::string app = R"(,"image":{"id":"sha512-)" + std::string(64, '0') +
                          R"("},"app":{"exec":["/bin/true"],"user":"0","group":"0"}})";
  f.pod_manifest = R"({"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"web")" + app +
                   R"(,{"name":"db")" + app + "]}";
  f.stage1 = {"deps-sha512-s1", kS1};
  f.apps = {{"web", {"deps-sha512-app", "{\"m\":1}"}}, {"db", {"deps-sha512-app", "{}"}}};
  f.volumes = {
      *appc::parse_volume_flag("data,kind=empty,mode=0710,uid=" + std::to_string(::getuid()) +
                               ",gid=" + std::to_string(::getgid())),
      *appc::parse_volume_flag("h,kind=host,source=/tmp")};
  ASSERT_TRUE(write_pod_files(dir_.get(), f));
  namespace fs = std::filesystem;
  for (const char* p :
       {"pod", "pod-created", "stage1TreeStoreID", "stage1/manifest", "stage1/rootfs",
        "appsinfo/web/manifest", "appsinfo/web/treeStoreID", "appsinfo/db/treeStoreID",
        "stage1/rkt", "overlay/deps-sha512-s1", "overlay/deps-sha512-app/upper/web",
        "overlay/deps-sha512-app/work/db", "sharedVolumes/data"}) {
    EXPECT_TRUE(fs::exists(root_ + "/" + p)) << p;
  }
  // stage1's upper and work dirs are on a tmpfs mounted there at start: nothing on disk.
  EXPECT_TRUE(fs::is_empty(root_ + "/overlay/deps-sha512-s1"));
  // What start_pod is handed by `rkt run` is what run-prepared reads back.
  auto trees = read_pod_trees(dir_.get());
  ASSERT_TRUE(trees) << trees.error().text();
  EXPECT_EQ(trees->stage1_tree, "deps-sha512-s1");
  EXPECT_EQ(trees->stage1_manifest, kS1);
  ASSERT_EQ(trees->apps.size(), 2u);
  EXPECT_EQ(trees->apps[0].name, "web");
  EXPECT_EQ(trees->apps[0].tree_id, "deps-sha512-app");
  EXPECT_EQ(trees->apps[0].manifest, "{\"m\":1}");
  EXPECT_FALSE(fs::exists(root_ + "/sharedVolumes/h"));
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/sharedVolumes/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0710u);
  ASSERT_EQ(::stat((root_ + "/pod").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(*read_pod_file(dir_.get(), "appsinfo/web/manifest"), "{\"m\":1}");
  EXPECT_EQ(*read_pod_file(dir_.get(), "stage1TreeStoreID"), "deps-sha512-s1");
  EXPECT_EQ(*stage1_entrypoint(dir_.get(), "run"), "/init");
  auto missing = stage1_entrypoint(dir_.get(), "enter");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text().find("does not implement enter"), std::string::npos);
  // Written once: a second prepare into the same dir must not overwrite.
  EXPECT_FALSE(write_pod_files(dir_.get(), f));
}

TEST_F(PodFilesTest, NoWriteThroughASymlink) {
  ASSERT_EQ(::symlink("/tmp", (root_ + "/appsinfo").c_str()), 0);
  PodFiles f;
  f.stage1 = {"t", kS1};
  f.apps = {{"web", {"deps-x", "{}"}}};
  EXPECT_FALSE(write_pod_files(dir_.get(), f));
}

TEST_F(PodFilesTest, BadVolumeModeRefused) {
  PodFiles f;
  f.stage1 = {"t", kS1};
  f.volumes = {*appc::parse_volume_flag("v,kind=empty")};
  f.volumes[0].mode = "0999";
  auto st = write_pod_files(dir_.get(), f);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().text().find("octal"), std::string::npos);
}

}  // namespace
}  // namespace stage0::run
