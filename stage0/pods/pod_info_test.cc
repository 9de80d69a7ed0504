#include "stage0/pods/pod_info.h"

#include <sys/stat.h>

#include <filesystem>

#include "stage0/pods/pods_test_support.h"

namespace stage0::pods {
namespace {

namespace fs = std::filesystem;
using testing_support::app_json;
using testing_support::image_manifest_json;
using testing_support::pod_manifest_json;
using testing_support::TempDataDir;

constexpr char kUuid[] = "0a1b2c3d-0000-4000-8000-000000000001";
constexpr char kTree[] = "deps-sha512-aaaa";

class PodInfoTest : public TempDataDir {
 protected:
  // An exited two-app pod as stage0 and stage1 leave it.
  std::string make_exited_pod() {
    std::string p = make_pod("run", kUuid);
    write(p + "/pod", pod_manifest_json(app_json("web") + "," + app_json("db")));
    write(p + "/pod-created", "");
    write(p + "/stage1TreeStoreID", kTree);
    write(p + "/pid", "4242\n");
    write(p + "/appsinfo/web/manifest", image_manifest_json("example.com/web", "1.0"));
    write(p + "/appsinfo/db/manifest", image_manifest_json("example.com/db", "2"));
    write(p + "/stage1/rkt/status/web", "0");
    write(p + "/stage1/rootfs/rkt/status/db", "137\n");
    set_mtime(p + "/pod-created", 1000);
    set_mtime(p + "/pid", 2000);
    return p;
  }
  static void set_mtime(const std::string& path, time_t secs) {
    struct timespec ts[2] = {{secs, 0}, {secs, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, 0), 0);
  }
  PodRef ref(PodState s, const std::string& path) { return PodRef{kUuid, s, path}; }
};

TEST_F(PodInfoTest, ReadsAnExitedPod) {
  std::string p = make_exited_pod();
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_TRUE(info->errors.empty()) << info->errors.front();
  ASSERT_TRUE(info->manifest);
  ASSERT_EQ(info->apps.size(), 2u);
  EXPECT_EQ(info->apps[0].name, "web");
  EXPECT_EQ(info->apps[0].image_name, "example.com/web:1.0");
  EXPECT_EQ(info->apps[0].image_id, testing_support::kImageId);
  EXPECT_EQ(info->apps[0].exit_code, 0);    // from stage1/rkt, where stage1 writes it
  EXPECT_EQ(info->apps[1].exit_code, 137);  // from stage1/rootfs, the fallback
  EXPECT_EQ(info->created_ns, 1000LL * 1000000000);
  EXPECT_EQ(info->started_ns, 2000LL * 1000000000);
  EXPECT_EQ(info->pid, 4242);
  EXPECT_EQ(info->gc_marked_ns, 0);
  EXPECT_FALSE(info->ready);
}

// An earlier Rocket kept stage1's upper layer, rkt/ included, on disk.
TEST_F(PodInfoTest, ReadsThePodOfAnEarlierRocket) {
  std::string p = make_exited_pod();
  fs::remove_all(p + "/stage1/rkt");
  write(p + "/overlay/" + std::string(kTree) + "/upper/rkt/status/web", "5");
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(info->apps[0].exit_code, 5);
  EXPECT_EQ(info->apps[1].exit_code, 137);
}

TEST_F(PodInfoTest, CreatedFallsBackToThePodFile) {
  std::string p = make_exited_pod();
  fs::remove(p + "/pod-created");
  set_mtime(p + "/pod", 1500);
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->created_ns, 1500LL * 1000000000);
}

TEST_F(PodInfoTest, ReadinessIsTheSupervisorStatusLink) {
  std::string p = make_exited_pod();
  std::string rkt = p + "/stage1/rkt";
  fs::create_symlink("not-ready", rkt + "/supervisor-status");
  EXPECT_FALSE(read_ready(ref(PodState::kRunning, p)));
  fs::remove(rkt + "/supervisor-status");
  fs::create_symlink("ready", rkt + "/supervisor-status");
  EXPECT_TRUE(read_ready(ref(PodState::kRunning, p)));
}

TEST_F(PodInfoTest, StatusFilesCannotLeadOutOfThePod) {
  std::string p = make_exited_pod();
  fs::remove(p + "/stage1/rootfs/rkt/status/db");
  write(dir_ + "/outside", "7");
  fs::create_symlink(dir_ + "/outside", p + "/stage1/rootfs/rkt/status/db");
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->apps[1].exit_code);
}

TEST_F(PodInfoTest, APreparingPodWithoutManifestIsNotAnError) {
  std::string p = make_pod("prepare", kUuid);
  auto info = read_pod_info(ref(PodState::kPreparing, p));
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->manifest);
  EXPECT_TRUE(info->errors.empty());
  EXPECT_FALSE(info->pid);
}

TEST_F(PodInfoTest, AnUnreadableManifestIsReportedNotFatal) {
  std::string p = make_pod("run", kUuid);
  write(p + "/pod", "{not json");
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->manifest);
  ASSERT_EQ(info->errors.size(), 1u);
  EXPECT_NE(info->errors[0].find("Unable to read pod"), std::string::npos);
}

TEST_F(PodInfoTest, AMissingImageManifestIsReported) {
  std::string p = make_exited_pod();
  fs::remove(p + "/appsinfo/db/manifest");
  auto info = read_pod_info(ref(PodState::kExited, p));
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->apps[1].image_name);
  EXPECT_EQ(info->errors.size(), 1u);
}

TEST_F(PodInfoTest, GarbagePodsHaveAMarkTime) {
  std::string p = make_pod("exited-garbage", kUuid);
  auto info = read_pod_info(ref(PodState::kExitedGarbage, p));
  ASSERT_TRUE(info);
  EXPECT_GT(info->gc_marked_ns, 0);
}

TEST(ParseIntFile, Cases) {
  EXPECT_EQ(parse_int_file("0"), 0);
  EXPECT_EQ(parse_int_file(" 42\n"), 42);
  EXPECT_EQ(parse_int_file("-1"), -1);
  EXPECT_FALSE(parse_int_file(""));
  EXPECT_FALSE(parse_int_file("4x"));
  EXPECT_FALSE(parse_int_file("99999999999999"));
}

TEST(StatePredicates, RanAndFinished) {
  EXPECT_TRUE(ran(PodState::kRunning));
  EXPECT_TRUE(ran(PodState::kExitedGarbage));
  EXPECT_FALSE(ran(PodState::kPrepared));
  EXPECT_TRUE(finished(PodState::kExited));
  EXPECT_TRUE(finished(PodState::kAbortedPrepare));
  EXPECT_FALSE(finished(PodState::kRunning));
  EXPECT_FALSE(finished(PodState::kPrepared));
}

}  // namespace
}  // namespace stage0::pods
