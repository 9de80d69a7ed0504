#include "stage2/user_resolution.h"

#include "stage2/passwd.h"

namespace stage2 {

using oslayer::Error;
using oslayer::Result;

namespace {

// `kind` is "user" or "group"; `file` is "passwd" or "group"; `find` looks a name up in the text.
template <class Find>
Result<uint32_t> resolve(std::string_view spec, const IdSources& sources, const char* kind,
                         const std::string& file, Find find) {
  const std::string quoted = std::string(kind) + " \"" + std::string(spec) + "\"";
  if (spec.empty()) return Error::msg(std::string("empty ") + kind);
  if (spec[0] == '/') {
    auto owner = sources.owner_of(std::string(spec));
    if (!owner) return std::move(owner).error().context("resolving " + quoted);
    return std::string_view(kind) == "user" ? owner->uid : owner->gid;
  }
  auto text = sources.read_etc(file);
  if (!text) return std::move(text).error().context("resolving " + quoted);
  if (*text) {
    if (auto id = find(**text)) return *id;
  }
  if (auto id = parse_id(spec)) return *id;
  return Error::msg(quoted + " not found in the image's /etc/" + file);
}

}  // namespace

Result<uid_t> resolve_user(std::string_view user, const IdSources& sources) {
  return resolve(user, sources, "user", "passwd", [&](const std::string& text) {
    std::optional<uint32_t> id;
    for (const auto& e : parse_passwd(text)) {
      if (e.name == user) return std::optional<uint32_t>(e.uid);
    }
    return id;
  });
}

Result<gid_t> resolve_group(std::string_view group, const IdSources& sources) {
  return resolve(group, sources, "group", "group", [&](const std::string& text) {
    std::optional<uint32_t> id;
    for (const auto& e : parse_group(text)) {
      if (e.name == group) return std::optional<uint32_t>(e.gid);
    }
    return id;
  });
}

}  // namespace stage2
