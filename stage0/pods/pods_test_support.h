// Fixtures for the pods unit tests: a temporary data dir and fabricated pod directories in any
// state, without root and without a stage1.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "oslayer/fd.h"

namespace stage0::pods::testing_support {

inline constexpr char kImageId[] =
    "sha512-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class TempDataDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rocket-pods-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Makes pods/<state>/<uuid> and returns its path.
  std::string make_pod(const std::string& state, const std::string& uuid) {
    std::string p = dir_ + "/pods/" + state + "/" + uuid;
    std::filesystem::create_directories(p);
    return p;
  }
  static void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
  }
  // Holds an exclusive flock on `path` (a pod dir) while the returned fd lives.
  static oslayer::Fd hold_lock(const std::string& path) {
    oslayer::Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(::flock(fd.get(), LOCK_EX | LOCK_NB), 0);
    return fd;
  }

  std::string dir_;
};

inline std::string pod_manifest_json(const std::string& apps_json) {
  return R"({"acKind":"PodManifest","acVersion":"0.8.11","apps":[)" + apps_json + "]}";
}
inline std::string app_json(const std::string& name) {
  return R"({"name":")" + name + R"(","image":{"name":"example.com/)" + name + R"(","id":")" +
         kImageId + R"("},"app":{"exec":["/bin/)" + name + R"("],"user":"0","group":"0"}})";
}
inline std::string image_manifest_json(const std::string& name, const std::string& version) {
  return R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":")" + name +
         R"(","labels":[{"name":"version","value":")" + version + R"("}]})";
}

}  // namespace stage0::pods::testing_support
