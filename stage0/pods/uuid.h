// Pod UUIDs: RFC 4122 version 4, lowercase "8-4-4-4-12" hex, as rkt named pod directories.
#pragma once

#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0::pods {

// 16 bytes from getrandom(2), with the version and variant bits set.
[[nodiscard]] oslayer::Result<std::string> new_uuid();
// True for a full lowercase UUID in the 8-4-4-4-12 form.
bool is_uuid(std::string_view s);
// A UUID or a prefix of one, as a user may type it: 1 to 36 characters of lowercase hex and
// dashes where a UUID has them.
[[nodiscard]] oslayer::Status check_uuid_prefix(std::string_view s);

}  // namespace stage0::pods
