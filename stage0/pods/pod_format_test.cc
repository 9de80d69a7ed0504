#include "stage0/pods/pod_format.h"

#include <gtest/gtest.h>

#include "stage0/pods/pods_test_support.h"
#include "stage0/table_writer.h"

namespace stage0::pods {
namespace {

using testing_support::kImageId;

constexpr char kUuid[] = "0a1b2c3d-0000-4000-8000-000000000001";
constexpr char kUuid2[] = "7f000000-0000-4000-8000-000000000003";
constexpr int64_t kSec = 1000000000;

std::string fake_time(int64_t ns) { return "T" + std::to_string(ns / kSec); }

PodInfo exited_pod() {
  PodInfo p;
  p.ref = {kUuid, PodState::kExited, "/x"};
  auto m = appc::decode_pod_manifest(
      std::string(R"({"acKind":"PodManifest","acVersion":"0.8.11",)") +
      R"("apps":[{"name":"web","image":{"name":"example.com/web","id":")" + kImageId +
      R"("},"app":{"exec":["/web"],"user":"0","group":"0",)"
      R"("userAnnotations":{"team":"a"}},)"
      R"("mounts":[{"volume":"data","path":"/data"}]},)"
      R"({"name":"db","image":{"name":"example.com/db","id":")" +
      kImageId +
      R"("}}],)"
      R"("volumes":[{"name":"data","kind":"host","source":"/srv",)"
      R"("readOnly":true}],)"
      R"("userLabels":{"env":"test"}})");
  EXPECT_TRUE(m) << m.error().text();
  p.manifest = *m;
  p.apps = {{"web", kImageId, "example.com/web:1.0", 0}, {"db", kImageId, std::nullopt, 137}};
  p.created_ns = 1000 * kSec + 5;
  p.started_ns = 2000 * kSec;
  p.pid = 4242;
  return p;
}

PodInfo prepared_pod() {
  PodInfo p;
  p.ref = {kUuid2, PodState::kPrepared, "/y"};
  p.manifest = appc::decode_pod_manifest(R"({"acKind":"PodManifest","acVersion":"0.8.11",)"
                                         R"("apps":[]})")
                   .value();
  p.created_ns = 3000 * kSec;
  return p;
}

TEST(PodJson, ExitedPodIsApiV1) {
  EXPECT_EQ(pod_json(exited_pod()).dump(),
            std::string(R"({"name":")") + kUuid +
                R"(","state":"exited","app_names":["web","db"],"apps":[)"
                R"({"name":"web","state":"exited","created_at":1000000000005,)"
                R"("started_at":2000000000000,"exit_code":0,"image_id":")" +
                kImageId +
                R"(","mounts":[{"name":"data","container_path":"/data","host_path":"/srv",)"
                R"("read_only":true}],"user_annotations":{"team":"a"}},)"
                R"({"name":"db","state":"exited","created_at":1000000000005,)"
                R"("started_at":2000000000000,"exit_code":137,"image_id":")" +
                kImageId +
                R"("}],"created_at":1000,"started_at":2000,"user_labels":{"env":"test"}})");
}

TEST(PodJson, PreparedPodWithoutAppsOmitsEmptyFields) {
  EXPECT_EQ(pod_json(prepared_pod()).dump(),
            std::string(R"({"name":")") + kUuid2 + R"(","state":"prepared","created_at":3000})");
}

TEST(PodJson, AppStateFollowsThePod) {
  PodInfo p = exited_pod();
  p.ref.state = PodState::kRunning;
  p.apps[0].exit_code.reset();
  p.apps[1].exit_code.reset();
  auto j = pod_json(p);
  EXPECT_EQ(j["apps"][0]["state"], "running");
  EXPECT_FALSE(j["apps"][0].contains("exit_code"));
  p.ref.state = PodState::kExitedGarbage;
  p.gc_marked_ns = 77;
  j = pod_json(p);
  EXPECT_EQ(j["apps"][1]["state"], "exited");
  EXPECT_EQ(j["apps"][1]["finished_at"], 77);
}

TEST(PodJson, ListIsNullWhenEmptyAndPrettyUsesTabs) {
  EXPECT_EQ(dump_pods_json({}, false), "null\n");
  EXPECT_EQ(dump_pods_json({prepared_pod()}, true),
            std::string("[\n\t{\n\t\t\"name\": \"") + kUuid2 +
                "\",\n\t\t\"state\": \"prepared\",\n\t\t\"created_at\": 3000\n\t}\n]\n");
  EXPECT_EQ(
      dump_pod_json(prepared_pod(), false),
      std::string(R"({"name":")") + kUuid2 + R"(","state":"prepared","created_at":3000})" + "\n");
}

TEST(ListRows, Golden) {
  std::string table =
      format_table(list_rows({exited_pod(), prepared_pod()}, false, false, fake_time));
  EXPECT_EQ(table,
            "UUID\t\tAPP\tIMAGE NAME\t\tSTATE\t\tCREATED\tSTARTED\tNETWORKS\n"
            "0a1b2c3d\tweb\texample.com/web:1.0\texited\t\tT1000\tT2000\t\n"
            "\t\tdb\t--\t\t\t\t\t\t\t\n"
            "7f000000\t-\t-\t\t\tprepared\tT3000\t\t\n");
}

TEST(ListRows, FullAndNoLegend) {
  auto rows = list_rows({exited_pod()}, true, true, fake_time);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{kUuid, "web", "example.com/web:1.0",
                                               std::string(kImageId).substr(0, 19), "exited",
                                               "T1000", "T2000", ""}));
  EXPECT_EQ(rows[1][0], "");
  EXPECT_EQ(rows[1][3], "sha512-0123456789ab");
}

TEST(ListRows, WhichStatesAreListed) {
  EXPECT_TRUE(listed(PodState::kPreparing));
  EXPECT_TRUE(listed(PodState::kExitedGarbage));
  EXPECT_FALSE(listed(PodState::kEmbryo));
  EXPECT_FALSE(listed(PodState::kGarbage));
}

TEST(StatusText, ExitedPod) {
  EXPECT_EQ(status_text(exited_pod(), fake_time),
            "state=exited\ncreated=T1000\nstarted=T2000\nnetworks=\npid=4242\nexited=true\n"
            "app-web=0\napp-db=137\n");
}

TEST(StatusText, OomKilledAppGetsALineOfItsOwnAfterRktsLines) {
  PodInfo p = exited_pod();
  p.apps[1].oom_killed = true;
  EXPECT_EQ(status_text(p, fake_time),
            "state=exited\ncreated=T1000\nstarted=T2000\nnetworks=\npid=4242\nexited=true\n"
            "app-web=0\napp-db=137\noom-killed-db=true\n");
}

TEST(PodJson, OomKilledOnlyWhenTrue) {
  PodInfo p = exited_pod();
  p.apps[1].oom_killed = true;
  auto j = pod_json(p);
  EXPECT_FALSE(j["apps"][0].contains("oom_killed"));
  EXPECT_EQ(j["apps"][1]["oom_killed"], true);
  EXPECT_EQ(j["apps"][1]["exit_code"], 137);
}

TEST(StatusText, RunningPodHasNoExitCodes) {
  PodInfo p = exited_pod();
  p.ref.state = PodState::kRunning;
  EXPECT_EQ(status_text(p, fake_time),
            "state=running\ncreated=T1000\nstarted=T2000\nnetworks=\npid=4242\nexited=false\n");
}

TEST(Networks, ListStatusAndJsonAsRkt) {
  PodInfo p = exited_pod();
  p.ref.state = PodState::kRunning;
  p.networks = {{"default", "", "/usr/lib/cni/ptp", "eth0", "172.16.28.5", "", "255.255.255.0"},
                {"lan", "/etc/rkt/net.d/10-lan.conf", "/usr/lib/cni/bridge", "eth1", "10.9.0.2",
                 "IP=10.9.0.2", "255.255.0.0"}};
  EXPECT_NE(status_text(p, fake_time).find("networks=default:ip4=172.16.28.5, lan:ip4=10.9.0.2\n"),
            std::string::npos);
  auto rows = list_rows({p}, false, true, fake_time);
  EXPECT_EQ(rows[0].back(), "default:ip4=172.16.28.5, lan:ip4=10.9.0.2");
  EXPECT_EQ(rows[1].back(), "");  // the pod's columns only on its first row
  auto j = pod_json(p);
  ASSERT_EQ(j["networks"].size(), 2u);
  EXPECT_EQ(j["networks"][1]["netName"], "lan");
  EXPECT_EQ(j["networks"][1]["netConf"], "/etc/rkt/net.d/10-lan.conf");
  EXPECT_EQ(j["networks"][1]["ifName"], "eth1");
  EXPECT_EQ(j["networks"][1]["mask"], "255.255.0.0");
  EXPECT_EQ(j["networks"][1]["args"], "IP=10.9.0.2");
  EXPECT_FALSE(pod_json(exited_pod()).contains("networks"));
}

TEST(Networks, ParsedFromNetInfoJson) {
  auto n = parse_net_info(
      R"([{"netName":"default","netConf":"","pluginPath":"/p","ifName":"eth0","ip":"1.2.3.4",)"
      R"("args":"","mask":"255.0.0.0","result":{}}, 7])");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].ip, "1.2.3.4");
  EXPECT_TRUE(parse_net_info("not json").empty());
}

TEST(StatusText, PreparedPodStopsAfterTimes) {
  EXPECT_EQ(status_text(prepared_pod(), fake_time), "state=prepared\ncreated=T3000\n");
}

}  // namespace
}  // namespace stage0::pods
