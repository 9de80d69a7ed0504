#include "stage1/pod_cgroups.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "appc-spec/pod_manifest.h"

namespace stage1 {
namespace {

using oslayer::CgroupSet;

constexpr char kUuid[] = "0b9b1c2e-7f1a-4c3e-9d2a-5b6c7d8e9f01";
constexpr char kImageId[] =
    "sha512-0000000000000000000000000000000000000000000000000000000000000000";

// A pod of apps named `names`, with `pod_isolators` and `app_isolators` (JSON arrays).
PodConfig config_of(const std::vector<std::string>& names, const std::string& pod_isolators = "[]",
                    const std::string& app_isolators = "[]") {
  std::string apps;
  for (const auto& n : names) {
    if (!apps.empty()) apps += ",";
    apps += R"({"name":")" + n + R"(","image":{"id":")" + kImageId +
            R"("},"app":{"exec":["/bin/true"],"user":"0","group":"0","isolators":)" +
            app_isolators + "}}";
  }
  auto pm = appc::decode_pod_manifest(R"({"acKind":"PodManifest","acVersion":"0.8.11","apps":[)" +
                                      apps + R"(],"isolators":)" + pod_isolators + "}");
  EXPECT_TRUE(pm) << pm.error().text();
  RunFlags flags;
  flags.uuid = kUuid;
  auto c = merge_pod_config(flags, RuntimeConfig{}, std::move(*pm));
  EXPECT_TRUE(c) << c.error().text();
  return std::move(*c);
}

// A hybrid host's hierarchies, rooted in a scratch dir so that make() can be watched.
oslayer::CgroupLayout layout_in(const std::string& root) {
  return {oslayer::CgroupMode::kHybrid,
          {{root + "/systemd", "name=systemd", "user", false},
           {root + "/memory", "memory", "", false},
           {root + "/pids", "pids", "", false},
           {root + "/unified", "", "user", true}}};
}

class PodCgroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pod-cgroups-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    for (const char* d : {"/systemd/user", "/memory", "/pids", "/unified/user"}) {
      std::filesystem::create_directories(root_ + d);
    }
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  bool exists(const std::string& rel) const {
    struct stat st {};
    return ::stat((root_ + rel).c_str(), &st) == 0;
  }
  std::string root_;
  PodConfig config_ = config_of({"web", "db"});
};

TEST_F(PodCgroupsTest, PlansEveryDirectoryAndMakesNone) {
  auto c = plan_pod_cgroups(layout_in(root_), config_);
  ASSERT_TRUE(c) << c.error().text();
  const std::string pod = std::string("rkt-") + kUuid;
  ASSERT_EQ(c->pod.dirs().size(), 4u);
  EXPECT_EQ(c->pod.dirs()[0].path, root_ + "/systemd/user/" + pod);
  // PID 1 gets a leaf of its own in the unified tree only; an app, where its limits live.
  EXPECT_EQ(c->supervisor.dirs()[3].path, root_ + "/unified/user/" + pod + "/supervisor.scope");
  EXPECT_TRUE(c->supervisor.dirs()[1].inherited);
  ASSERT_EQ(c->apps.size(), 2u);
  EXPECT_EQ(c->app_names, (std::vector<std::string>{"web", "db"}));
  EXPECT_EQ(c->apps[1].dirs()[1].path, root_ + "/memory/" + pod + "/db");
  EXPECT_TRUE(c->apps[1].dirs()[2].inherited);  // pids: the pod's
  EXPECT_EQ(c->apps[1].dirs()[2].path, root_ + "/pids/" + pod);
  EXPECT_FALSE(exists("/memory/" + pod));
  EXPECT_FALSE(exists("/unified/user/" + pod));
}

// A pod's only app without limits of its own shares the pod's v1 cgroups; with limits, or with
// a sibling, it has its own where limits live.
TEST_F(PodCgroupsTest, AnOnlyAppWithoutLimitsSharesThePodsCgroups) {
  const std::string pod = std::string("rkt-") + kUuid;
  auto alone = plan_pod_cgroups(layout_in(root_), config_of({"web"}));
  ASSERT_TRUE(alone) << alone.error().text();
  ASSERT_EQ(alone->apps.size(), 1u);
  EXPECT_TRUE(alone->apps[0].dirs()[1].inherited);
  EXPECT_EQ(alone->apps[0].dirs()[1].path, root_ + "/memory/" + pod);
  EXPECT_FALSE(alone->apps[0].dirs()[3].inherited);  // unified: a leaf of its own
  EXPECT_EQ(alone->apps[0].dirs()[3].path, root_ + "/unified/user/" + pod + "/web");

  auto limited = plan_pod_cgroups(
      layout_in(root_),
      config_of({"web"}, "[]", R"([{"name":"resource/memory","value":{"limit":"64Mi"}}])"));
  ASSERT_TRUE(limited) << limited.error().text();
  EXPECT_FALSE(limited->apps[0].dirs()[1].inherited);
  EXPECT_EQ(limited->apps[0].dirs()[1].path, root_ + "/memory/" + pod + "/web");

  // A pod-wide limit is the pod's: the only app still shares its cgroup.
  auto pod_limited = plan_pod_cgroups(
      layout_in(root_),
      config_of({"web"}, R"([{"name":"resource/memory","value":{"limit":"64Mi"}}])"));
  ASSERT_TRUE(pod_limited) << pod_limited.error().text();
  EXPECT_TRUE(pod_limited->apps[0].dirs()[1].inherited);

  auto two = plan_pod_cgroups(layout_in(root_), config_of({"web", "db"}));
  ASSERT_TRUE(two) << two.error().text();
  EXPECT_FALSE(two->apps[0].dirs()[1].inherited);
}

// Step 1 makes what clone3 needs and nothing else.
TEST_F(PodCgroupsTest, FirstStepMakesOnlyTheUnifiedDirectories) {
  auto c = plan_pod_cgroups(layout_in(root_), config_);
  ASSERT_TRUE(c) << c.error().text();
  ASSERT_TRUE(make_unified_cgroups(*c));
  const std::string pod = std::string("rkt-") + kUuid;
  for (const char* leaf : {"", "/supervisor.scope", "/web", "/db"}) {
    EXPECT_TRUE(exists("/unified/user/" + pod + leaf)) << leaf;
  }
  EXPECT_FALSE(exists("/memory/" + pod));
  EXPECT_FALSE(exists("/systemd/user/" + pod));
  // Removing an app's set leaves the pod's own (inherited) directories alone.
  ASSERT_TRUE(c->apps[0].remove(false));
  EXPECT_FALSE(exists("/unified/user/" + pod + "/web"));
  EXPECT_TRUE(exists("/unified/user/" + pod));
}

TEST_F(PodCgroupsTest, AppLimitsArePlannedBoundedByThePod) {
  config_ = config_of({"web"}, R"([{"name":"resource/memory","value":{"limit":"64Mi"}}])",
                      R"([{"name":"resource/memory","value":{"limit":"1Gi"}}])");
  auto c = plan_pod_cgroups(layout_in(root_), config_);
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->pod_resources.limits.memory_bytes, 64 << 20);
  EXPECT_EQ(c->app_resources[0].limits.memory_bytes, 64 << 20);
  EXPECT_FALSE(c->app_resources[0].bounded.empty());
}

// The byte is never consumed: every waiter sees it. End of file without it is a failure.
TEST(WaitForPodCgroups, AByteReleasesEveryWaiterAndEndOfFileFails) {
  int p[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p), 0);
  ASSERT_EQ(::write(p[1], "C", 1), 1);
  ::close(p[1]);
  EXPECT_TRUE(wait_for_pod_cgroups(p[0]));
  EXPECT_TRUE(wait_for_pod_cgroups(p[0]));
  ::close(p[0]);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p), 0);
  ::close(p[1]);
  auto s = wait_for_pod_cgroups(p[0]);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().text().find("cgroups were not made"), std::string::npos);
  ::close(p[0]);
}

// The launcher's look before its mounts: no byte yet (or /init gone) is "not yet", never a wait.
TEST(WaitForPodCgroups, MadeTellsWithoutBlocking) {
  int p[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p), 0);
  EXPECT_FALSE(pod_cgroups_made(p[0]));
  ASSERT_EQ(::write(p[1], "C", 1), 1);
  EXPECT_TRUE(pod_cgroups_made(p[0]));
  EXPECT_TRUE(pod_cgroups_made(p[0]));
  EXPECT_TRUE(wait_for_pod_cgroups(p[0]));
  ::close(p[1]);
  ::close(p[0]);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p), 0);
  ::close(p[1]);
  EXPECT_FALSE(pod_cgroups_made(p[0]));
  ::close(p[0]);
}

// The way back on the same socket: PID 1 names the apps whose cgroups /init may remove, and the
// byte /init sent the other way is not in that stream.
TEST(ReleasedApps, TravelBackToInitInOrder) {
  int p[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p), 0);
  ASSERT_EQ(::send(p[0], "C", 1, 0), 1);  // /init's byte
  release_app_cgroups(p[1], 2);
  release_app_cgroups(p[1], 0);
  EXPECT_TRUE(wait_for_pod_cgroups(p[1]));
  ::close(p[1]);
  EXPECT_EQ(read_released_app(p[0]), 2u);
  EXPECT_EQ(read_released_app(p[0]), 0u);
  EXPECT_EQ(read_released_app(p[0]), std::nullopt);
  ::close(p[0]);
}

}  // namespace
}  // namespace stage1
