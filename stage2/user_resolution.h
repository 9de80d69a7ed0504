// The appc rules for an app's `user` and `group` (spec/ace.md): a name in the image's own
// /etc/passwd or /etc/group first; failing that, a decimal id; a string starting with "/" names a
// file in the app's rootfs whose owner (user) or group (group) is used. Pure: the files are
// reached through IdSources, so the rules are tested without a rootfs.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage2 {

struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

struct IdSources {
  // The text of /etc/<name> ("passwd" or "group") in the app's rootfs; nullopt when it is missing.
  std::function<oslayer::Result<std::optional<std::string>>(const std::string& name)> read_etc;
  // The owner of an absolute path in the app's rootfs.
  std::function<oslayer::Result<FileOwner>(const std::string& path)> owner_of;
};

oslayer::Result<uid_t> resolve_user(std::string_view user, const IdSources& sources);
oslayer::Result<gid_t> resolve_group(std::string_view group, const IdSources& sources);

}  // namespace stage2
