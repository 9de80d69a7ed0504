#include "stage1/launch_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oslayer/atomic_file.h"
#include "oslayer/fd.h"

namespace stage1 {

using oslayer::Error;
using oslayer::Result;

namespace {
// A record holds one App object, which the appc limit on manifests bounds; a little more for the
// rest.
constexpr size_t kMaxRecordSize = 2 << 20;
}  // namespace

std::string encode_launch_record(const LaunchRecord& r) {
  nlohmann::json j;
  j["pid"] = r.pid;
  j["stage2Args"] = r.stage2_args;
  j["app"] = nlohmann::json::parse(r.app_json, nullptr, false);
  return j.dump();
}

Result<LaunchRecord> decode_launch_record(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::msg("the launch record is not JSON");
  LaunchRecord r;
  const auto pid = j.find("pid");
  if (pid == j.end() || !pid->is_number_integer() || pid->get<int64_t>() <= 0 ||
      pid->get<int64_t>() > (1 << 22)) {
    return Error::msg("the launch record has no valid pid");
  }
  r.pid = static_cast<pid_t>(pid->get<int64_t>());
  const auto args = j.find("stage2Args");
  if (args == j.end() || !args->is_array()) {
    return Error::msg("the launch record has no stage2Args");
  }
  for (const auto& a : *args) {
    if (!a.is_string()) return Error::msg("the launch record's stage2Args are not strings");
    r.stage2_args.push_back(a.get<std::string>());
  }
  const auto app = j.find("app");
  if (app == j.end() || !app->is_object()) return Error::msg("the launch record has no app");
  r.app_json = app->dump();
  return r;
}

std::string launch_record_path(const std::string& app) {
  return "appsinfo/" + app + "/launch.json";
}

oslayer::Status write_launch_record(const std::string& app, const LaunchRecord& r) {
  // stage0 made appsinfo/<app>/ with the app's image manifest; a pod made by another stage0 may
  // not have it.
  if (auto s = oslayer::make_dirs(AT_FDCWD, "appsinfo/" + app, 0750); !s) {
    return std::move(s).context("recording the launch of app " + app);
  }
  return oslayer::write_file_atomic(AT_FDCWD, launch_record_path(app), encode_launch_record(r),
                                    0600, oslayer::Durability::kVolatile)
      .context("recording the launch of app " + app);
}

Result<LaunchRecord> read_launch_record(const std::string& app) {
  auto text = oslayer::read_file(launch_record_path(app), kMaxRecordSize);
  if (!text) return std::move(text).error();
  return decode_launch_record(*text).context(launch_record_path(app));
}

void remove_launch_record(const std::string& app) {
  // Missing is fine: the app may never have started.
  (void)::unlink(launch_record_path(app).c_str());
}

}  // namespace stage1
