#include "stage1/pod_config.h"

#include <gtest/gtest.h>

namespace stage1 {
namespace {

constexpr const char* kUuid = "3f2a6b1c-0d4e-4f5a-8b9c-0123456789ab";

TEST(RunFlags, ParsesTheContractFlags) {
  auto f = parse_run_flags({"--debug", "--net=host", "--interactive", "--local-config=/etc/rkt",
                            "--hostname=web", "--disable-capabilities-restriction",
                            "--disable-paths", "--disable-seccomp", kUuid});
  ASSERT_TRUE(f) << f.error().text();
  EXPECT_TRUE(f->debug);
  EXPECT_TRUE(f->interactive);
  EXPECT_EQ(f->local_config, "/etc/rkt");
  EXPECT_EQ(f->hostname, "web");
  EXPECT_TRUE(f->disable_capabilities && f->disable_paths && f->disable_seccomp);
  EXPECT_EQ(f->uuid, kUuid);
}

TEST(RunFlags, NetHostOrNone) {
  EXPECT_EQ(parse_run_flags({"--net=none", kUuid})->net, "none");
  EXPECT_EQ(parse_run_flags({"--net=host", kUuid})->net, "host");
  EXPECT_EQ(parse_run_flags({"--net=default,mynet:IP=10.1.1.2", kUuid})->net,
            "default,mynet:IP=10.1.1.2");
}

TEST(RunFlags, RefusesWhatItDoesNotKnow) {
  EXPECT_FALSE(parse_run_flags({"--net=", kUuid}));
  EXPECT_FALSE(parse_run_flags({"--bogus", kUuid}));
  EXPECT_FALSE(parse_run_flags({}));
  EXPECT_FALSE(parse_run_flags({"not-a-uuid"}));
  EXPECT_FALSE(parse_run_flags({kUuid, kUuid}));
  EXPECT_FALSE(parse_run_flags({"--debug=maybe", kUuid}));
  EXPECT_FALSE(parse_run_flags({"3F2A6B1C-0D4E-4F5A-8B9C-0123456789AB"}));
}

TEST(RuntimeConfig, ParsesEveryField) {
  auto rc = parse_runtime_config(R"({"hostname":"h","hostsEntries":[{"ip":"10.0.0.1",
      "names":["a","b"]}],"dns":{"servers":["8.8.8.8"],"search":["x"],"options":["ndots:2"],
      "domain":"d"},"stopTimeout":2.5,"interactive":true,"hostsFromHost":true})");
  ASSERT_TRUE(rc) << rc.error().text();
  EXPECT_EQ(rc->hostname, "h");
  ASSERT_EQ(rc->hosts_entries.size(), 1u);
  EXPECT_EQ(rc->hosts_entries[0], (HostsEntry{"10.0.0.1", {"a", "b"}}));
  ASSERT_TRUE(rc->dns);
  EXPECT_EQ(rc->dns->servers, std::vector<std::string>{"8.8.8.8"});
  EXPECT_EQ(rc->dns->domain, "d");
  EXPECT_EQ(rc->stop_timeout.count(), 2500);
  EXPECT_TRUE(rc->interactive);
  EXPECT_TRUE(rc->hosts_from_host);
}

TEST(RuntimeConfig, DefaultsAndErrors) {
  auto rc = parse_runtime_config("{}");
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->stop_timeout.count(), 10000);
  EXPECT_FALSE(rc->dns);
  EXPECT_FALSE(rc->hosts_from_host);
  EXPECT_FALSE(parse_runtime_config(R"({"hostsFromHost":"yes"})"));
  EXPECT_FALSE(parse_runtime_config("[]"));
  EXPECT_FALSE(parse_runtime_config("{"));
  EXPECT_FALSE(parse_runtime_config(R"({"stopTimeout":"10"})"));
  EXPECT_FALSE(parse_runtime_config(R"({"stopTimeout":-1})"));
  EXPECT_FALSE(parse_runtime_config(R"({"hostsEntries":[{"names":["a"]}]})"));
}

appc::PodManifest manifest(size_t apps) {
  std::string json = R"({"acKind":"PodManifest","acVersion":"0.8.11","apps":[)";
  for (size_t i = 0; i < apps; ++i) {
    if (i > 0) json += ",";
    json += R"({"name":"a)" + std::to_string(i) + R"(","image":{"id":"sha512-)" +
            std::string(128, 'a') + R"("},"app":{"exec":["/bin/true"],"user":"0","group":"0"}})";
  }
  json += "]}";
  auto m = appc::decode_pod_manifest(json);
  EXPECT_TRUE(m) << m.error().text();
  return *m;
}

TEST(PodConfig, HostnameFlagWinsThenRuntimeConfigThenDefault) {
  auto f = parse_run_flags({kUuid});
  ASSERT_TRUE(f);
  RuntimeConfig rc;
  auto c = merge_pod_config(*f, rc, manifest(1));
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->hostname, std::string("rkt-") + kUuid);
  rc.hostname = "fromfile";
  EXPECT_EQ(merge_pod_config(*f, rc, manifest(1))->hostname, "fromfile");
  f->hostname = "fromflag";
  EXPECT_EQ(merge_pod_config(*f, rc, manifest(1))->hostname, "fromflag");
  f->hostname = "bad_name!";
  EXPECT_FALSE(merge_pod_config(*f, rc, manifest(1)));
}

TEST(PodConfig, InteractiveNeedsExactlyOneApp) {
  auto f = parse_run_flags({"--interactive", kUuid});
  ASSERT_TRUE(f);
  EXPECT_TRUE(merge_pod_config(*f, {}, manifest(1)));
  EXPECT_FALSE(merge_pod_config(*f, {}, manifest(2)));
}

}  // namespace
}  // namespace stage1
