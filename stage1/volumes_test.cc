#include "stage1/volumes.h"

#include <gtest/gtest.h>

namespace stage1 {
namespace {

appc::PodManifest pod(const std::string& volumes, const std::string& mounts,
                      const std::string& mount_points) {
  std::string json = R"({"acKind":"PodManifest","acVersion":"0.8.11","volumes":[)" + volumes +
                     R"(],"apps":[{"name":"web","image":{"id":"sha512-)" + std::string(128, 'a') +
                     R"("},"app":{"exec":["/bin/true"],"user":"0","group":"0","mountPoints":[)" +
                     mount_points + R"(]},"mounts":[)" + mounts + "]}]}";
  auto m = appc::decode_pod_manifest(json);
  EXPECT_TRUE(m) << m.error().text();
  return *m;
}

TEST(Volumes, HostAndEmptyVolumesFromMounts) {
  auto m = pod(R"({"name":"data","kind":"host","source":"/srv/data","readOnly":true},
                  {"name":"scratch","kind":"empty","mode":"0700","uid":7,"gid":8})",
               R"({"volume":"data","path":"/data"},{"volume":"scratch","path":"/tmp/s"})", "");
  auto v = plan_volumes(m, m.apps[0]);
  ASSERT_TRUE(v) << v.error().text();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].kind, appc::VolumeKind::kHost);
  EXPECT_EQ((*v)[0].source, "/srv/data");
  EXPECT_EQ((*v)[0].target, "/data");
  EXPECT_TRUE((*v)[0].read_only);
  EXPECT_TRUE((*v)[0].recursive);
  EXPECT_EQ((*v)[1].source, "sharedVolumes/scratch");
  EXPECT_EQ((*v)[1].mode, 0700u);
  EXPECT_EQ((*v)[1].uid, 7u);
  EXPECT_EQ((*v)[1].gid, 8u);
  EXPECT_FALSE((*v)[1].read_only);
}

TEST(Volumes, MountPointFilledByAVolumeOfTheSameName) {
  auto m = pod(R"({"name":"logs","kind":"empty"})", "",
               R"({"name":"logs","path":"/var/log/app","readOnly":true})");
  auto v = plan_volumes(m, m.apps[0]);
  ASSERT_TRUE(v) << v.error().text();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].target, "/var/log/app");
  EXPECT_TRUE((*v)[0].read_only);
}

TEST(Volumes, MissingVolumesAreErrors) {
  auto m = pod("", "", R"({"name":"logs","path":"/var/log"})");
  EXPECT_FALSE(plan_volumes(m, m.apps[0]));
}

}  // namespace
}  // namespace stage1
