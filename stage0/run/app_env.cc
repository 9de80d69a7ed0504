#include "stage0/run/app_env.h"

#include <set>

namespace stage0::run {
namespace {

void set_var(appc::Environment& env, const std::string& name, const std::string& value) {
  for (auto& v : env) {
    if (v.name == name) {
      v.value = value;
      return;
    }
  }
  env.push_back(appc::EnvironmentVariable{name, value});
}

}  // namespace

oslayer::Result<std::pair<std::string, std::string>> split_env(std::string_view s) {
  const size_t eq = s.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return oslayer::Error::msg("\"" + std::string(s) + "\" is not NAME=VALUE");
  }
  if (s.find('\0') != std::string_view::npos) {
    return oslayer::Error::msg("an environment variable holds a NUL byte");
  }
  return std::pair{std::string(s.substr(0, eq)), std::string(s.substr(eq + 1))};
}

oslayer::Result<KeyValues> parse_env_file(std::string_view text, const std::string& path) {
  KeyValues out;
  std::set<std::string, std::less<>> seen;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const std::string where = path + ":" + std::to_string(line_no);
    auto kv = split_env(line);
    if (!kv) return std::move(kv).error().context(where);
    if (!seen.insert(kv->first).second) {
      return oslayer::Error::msg(where + ": environment variable \"" + kv->first +
                                 "\" already set");
    }
    out.push_back(std::move(*kv));
  }
  return out;
}

oslayer::Result<KeyValues> parse_set_env(const std::vector<std::string>& flags) {
  KeyValues out;
  std::set<std::string, std::less<>> seen;
  for (const std::string& f : flags) {
    auto kv = split_env(f);
    if (!kv) return std::move(kv).error().context("--set-env");
    if (!seen.insert(kv->first).second) {
      return oslayer::Error::msg("--set-env: environment variable \"" + kv->first +
                                 "\" already set");
    }
    out.push_back(std::move(*kv));
  }
  return out;
}

appc::Environment merge_environment(const PodEnv& pod, const appc::Environment& image,
                                    const KeyValues& app) {
  appc::Environment env;
  for (const auto& [k, v] : pod.inherited) set_var(env, k, v);
  for (const auto& v : image) set_var(env, v.name, v.value);
  for (const auto& [k, v] : pod.from_file) set_var(env, k, v);
  for (const auto& [k, v] : pod.explicit_) set_var(env, k, v);
  for (const auto& [k, v] : app) set_var(env, k, v);
  return env;
}

}  // namespace stage0::run
