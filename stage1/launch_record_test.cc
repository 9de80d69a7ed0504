#include "stage1/launch_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stage1 {
namespace {

TEST(LaunchRecord, RoundTrips) {
  LaunchRecord r;
  r.pid = 7;
  r.stage2_args = {"--app=web", "--disable-seccomp"};
  r.app_json = R"({"exec":["/probe","sleep","100"],"group":"0","user":"0"})";
  auto back = decode_launch_record(encode_launch_record(r));
  ASSERT_TRUE(back) << back.error().text();
  EXPECT_EQ(back->pid, 7);
  EXPECT_EQ(back->stage2_args, r.stage2_args);
  // The App object is kept as JSON; key order may differ, the value may not.
  EXPECT_EQ(nlohmann::json::parse(back->app_json), nlohmann::json::parse(r.app_json));
}

TEST(LaunchRecord, RefusesWhatIsNotARecord) {
  for (const char* bad : {
           "",
           "[]",
           R"({"stage2Args":[],"app":{}})",
           R"({"pid":0,"stage2Args":[],"app":{}})",
           R"({"pid":-3,"stage2Args":[],"app":{}})",
           R"({"pid":"7","stage2Args":[],"app":{}})",
           R"({"pid":7,"app":{}})",
           R"({"pid":7,"stage2Args":[1],"app":{}})",
           R"({"pid":7,"stage2Args":[]})",
           R"({"pid":7,"stage2Args":[],"app":"x"})",
       }) {
    EXPECT_FALSE(decode_launch_record(bad)) << bad;
  }
}

TEST(LaunchRecord, PathIsBelowTheAppsInfoDir) {
  EXPECT_EQ(launch_record_path("web"), "appsinfo/web/launch.json");
}

}  // namespace
}  // namespace stage1
