// Parsers for the app image's own /etc/passwd and /etc/group. A statically linked stage2 must not
// use glibc's NSS (it would dlopen host modules, and read the host's files, not the image's), and
// the files come from an untrusted image: malformed lines are skipped, never trusted.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stage2 {

struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  bool operator==(const PasswdEntry&) const = default;
};

struct GroupEntry {
  std::string name;
  gid_t gid = 0;
  bool operator==(const GroupEntry&) const = default;
};

// "name:password:uid:gid:gecos:home:shell" lines. Comments, blank lines, NIS "+"/"-" lines and
// lines whose ids are not decimal numbers below 2^32-1 are skipped.
std::vector<PasswdEntry> parse_passwd(std::string_view text);
// "name:password:gid:members" lines, with the same rules.
std::vector<GroupEntry> parse_group(std::string_view text);

// A decimal id: digits only, no sign, below 2^32-1 ((uid_t)-1 means "unchanged" to the kernel).
std::optional<uint32_t> parse_id(std::string_view s);

}  // namespace stage2
