// The isolator flags: Kubernetes quantities and integers, the errors that name the flag, the
// command line replacing the image's isolators, and the notices for unenforced isolators.
#include "stage0/run/isolator_flags.h"

#include <gtest/gtest.h>

namespace stage0::run {
namespace {

std::string json_of(const appc::Isolator& i) {
  appc::App app;
  app.exec = {"/x"};
  app.user = "0";
  app.group = "0";
  app.isolators = {i};
  std::string j = appc::encode_app_json(app);
  auto b = j.find("\"isolators\"");
  return b == std::string::npos ? j : j.substr(b);
}

TEST(IsolatorFlags, GoodValues) {
  struct Case {
    AppArgs args;
    std::string name, quantity_or_value;
  } cases[] = {
      {{.memory = "64M"}, "resource/memory", "64M"},
      {{.memory = "128Mi"}, "resource/memory", "128Mi"},
      {{.memory = "1G"}, "resource/memory", "1G"},
      {{.cpu = "500m"}, "resource/cpu", "500m"},
      {{.cpu = "2"}, "resource/cpu", "2"},
      {{.cpu = "0.5"}, "resource/cpu", "0.5"},
      {{.cpu_shares = "512"}, "os/linux/cpu-shares", "512"},
      {{.cpu_shares = "262144"}, "os/linux/cpu-shares", "262144"},
      {{.oom_score_adj = "-500"}, "os/linux/oom-score-adj", "-500"},
      {{.oom_score_adj = "1000"}, "os/linux/oom-score-adj", "1000"},
  };
  for (const auto& c : cases) {
    auto r = isolators_from_flags(c.args);
    ASSERT_TRUE(r) << c.quantity_or_value << ": " << r.error().text();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].name.str(), c.name);
    EXPECT_NE(json_of((*r)[0]).find(c.quantity_or_value), std::string::npos) << json_of((*r)[0]);
  }
}

TEST(IsolatorFlags, QuantitiesMeanWhatKubernetesSays) {
  auto r = isolators_from_flags({.memory = "128Mi", .cpu = "500m"});
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(std::get<appc::ResourceMemory>((*r)[0].value).limit->value(), 134217728);
  EXPECT_EQ(std::get<appc::ResourceCpu>((*r)[1].value).limit->milli_value(), 500);
  auto m = isolators_from_flags({.memory = "64M"});
  EXPECT_EQ(std::get<appc::ResourceMemory>((*m)[0].value).limit->value(), 64000000);
}

TEST(IsolatorFlags, BadValuesNameTheFlagAndTheValue) {
  struct Case {
    AppArgs args;
    std::string want;
  } cases[] = {
      {{.memory = "lots"}, "--memory \"lots\""},
      {{.memory = "64K"}, "--memory \"64K\""},  // Kubernetes: "k", not "K"
      {{.memory = "0"}, "--memory \"0\": the limit must be above zero"},
      {{.memory = "-1Mi"}, "--memory \"-1Mi\": the limit must be above zero"},
      {{.memory = "64 M"}, "--memory \"64 M\""},
      {{.cpu = "0m"}, "--cpu \"0m\": the limit must be above zero"},
      {{.cpu = "fast"}, "--cpu \"fast\""},
      {{.cpu_shares = "1"}, "--cpu-shares \"1\""},
      {{.cpu_shares = "262145"}, "--cpu-shares \"262145\""},
      {{.cpu_shares = "1.5"}, "--cpu-shares \"1.5\": not an integer"},
      {{.oom_score_adj = "1001"}, "--oom-score-adj \"1001\""},
      {{.oom_score_adj = "-1001"}, "--oom-score-adj \"-1001\""},
      {{.oom_score_adj = "x"}, "--oom-score-adj \"x\": not an integer"},
  };
  for (const auto& c : cases) {
    auto r = isolators_from_flags(c.args);
    ASSERT_FALSE(r) << c.want;
    EXPECT_NE(r.error().text().find(c.want), std::string::npos) << r.error().text();
  }
}

TEST(IsolatorFlags, CommandLineReplacesTheImagesIsolator) {
  std::vector<appc::Isolator> image = {
      *appc::make_isolator("resource/memory", R"({"limit": "1Gi"})"),
      *appc::make_isolator("os/linux/no-new-privileges", "true"),
  };
  override_isolators(image, *isolators_from_flags({.memory = "64Mi", .cpu = "1"}));
  ASSERT_EQ(image.size(), 3u);
  EXPECT_EQ(image[0].name.str(), "os/linux/no-new-privileges");
  EXPECT_EQ(std::get<appc::ResourceMemory>(image[1].value).limit->str(), "64Mi");
  EXPECT_EQ(image[2].name.str(), "resource/cpu");
}

TEST(IsolatorChecks, ZeroLimitsFromManifestsAreRefused) {
  EXPECT_FALSE(check_resource_isolators(
      {*appc::make_isolator("resource/memory", R"({"request": "0", "limit": "0"})")}));
  EXPECT_FALSE(
      check_resource_isolators({*appc::make_isolator("resource/cpu", R"({"limit": "0m"})")}));
  EXPECT_TRUE(
      check_resource_isolators({*appc::make_isolator("resource/cpu", R"({"request": "0"})")}));
  EXPECT_TRUE(
      check_resource_isolators({*appc::make_isolator("resource/cpu", R"({"limit": "1m"})")}));
}

TEST(IsolatorChecks, UnenforcedIsolatorsAreListedForTheUser) {
  auto pm = appc::decode_pod_manifest(
      R"({"acKind":"PodManifest","acVersion":"0.8.11",
          "isolators":[{"name":"resource/memory","value":{"limit":"1Gi"}},
                       {"name":"example.com/custom","value":{"a":1}},
                       {"name":"os/unix/sysctl","value":{"net.ipv4.ip_forward":"1"}}],
          "apps":[{"name":"web","image":{"name":"example.com/web","id":"sha512-)" +
      std::string(128, 'a') +
      R"("},"app":{"exec":["/web"],"user":"0","group":"0","isolators":[
          {"name":"resource/cpu","value":{"limit":"1"}},
          {"name":"os/linux/no-new-privileges","value":true},
          {"name":"resource/block-iops","value":{"default":true,"limit":"1k"}},
          {"name":"os/unix/sysctl","value":{"kernel.shmmax":"1"}}]}}]})");
  ASSERT_TRUE(pm) << pm.error().text();
  std::vector<std::string> want = {
      "pod isolator example.com/custom is not enforced by Rocket: ignored",
      "app web: isolator resource/block-iops is not enforced by Rocket: ignored",
      "app web: isolator os/unix/sysctl is not enforced by Rocket: ignored (it acts on the "
      "whole pod: set it in the pod manifest)",
  };
  EXPECT_EQ(unenforced_isolators(*pm), want);
}

oslayer::Result<appc::PodManifest> pod_with_sysctls(const std::string& values_json) {
  return appc::decode_pod_manifest(
      R"({"acKind":"PodManifest","acVersion":"0.8.11","apps":[],
          "isolators":[{"name":"os/unix/sysctl","value":)" +
      values_json + "}]}");
}

TEST(IsolatorChecks, PodSysctlsMustBeNamespaced) {
  const struct {
    const char* values;
    const char* net;
    const char* error;  // nullptr: accepted
  } cases[] = {
      {R"({"kernel.shmmax":"1073741824","kernel.msgmax":"16384"})", "host", nullptr},
      {R"({"net.ipv4.ip_forward":"1"})", "none", nullptr},
      {R"({"net.ipv4.ip_forward":"1"})", "default", nullptr},
      {R"({"net.ipv4.ip_forward":"1"})", "", nullptr},  // prepare: run-prepared checks it
      {R"({"net.ipv4.ip_forward":"1"})", "host",
       "pod isolator os/unix/sysctl: sysctl net.ipv4.ip_forward: the pod shares the host's "
       "network"},
      {R"({"kernel.shmmax":"1","vm.swappiness":"10"})", "none",
       "sysctl vm.swappiness: not namespaced"},
      {R"({"kernel.shmmax":"huge"})", "none", "sysctl kernel.shmmax: \"huge\" is not an integer"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.values) + " --net=" + c.net);
    auto pm = pod_with_sysctls(c.values);
    ASSERT_TRUE(pm) << pm.error().text();
    auto st = check_pod_sysctls(*pm, c.net);
    if (c.error == nullptr) {
      EXPECT_TRUE(st) << st.error().text();
    } else {
      ASSERT_FALSE(st);
      EXPECT_NE(st.error().text().find(c.error), std::string::npos) << st.error().text();
    }
  }
}

}  // namespace
}  // namespace stage0::run
