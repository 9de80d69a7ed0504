// rkt's trust store: armored public keys under <config>/trustedkeys/root.d/<fingerprint> and
// <config>/trustedkeys/prefix.d/<prefix path>/<fingerprint>, read from the system config dir
// and then the local one; a zero-length local file masks the system key of the same name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/names.h"
#include "oslayer/result.h"

namespace stage0::trust {

struct TrustPaths {
  std::string system_config;  // --system-config, e.g. /usr/lib/rkt
  std::string local_config;   // --local-config, e.g. /etc/rkt (where rkt trust writes)
};

struct TrustedKey {
  std::string fingerprint;  // lower-case hex, the file name
  std::string prefix;       // "" for a root key
  std::string path;         // the file it was read from
  std::string armored;      // the key itself
};

// The keys that may sign an image named `name`: every root key, plus the keys of each prefix
// that is `name` itself or a parent *path* of it ("example.com/app" covers "example.com/app"
// and "example.com/app/x", never "example.com/appevil").
oslayer::Result<std::vector<TrustedKey>> keys_for_name(const TrustPaths& paths,
                                                       const appc::AcIdentifier& name);

// Every trusted key, whatever name it covers: root keys and the keys of every prefix, with the
// same local-over-system masking. For a signature check started before the image's name is
// known (image_fetch's early check), which keys_for_name then narrows down.
oslayer::Result<std::vector<TrustedKey>> all_trusted_keys(const TrustPaths& paths);

// Every prefix (and "" for root) that has at least one key; for messages and `rkt trust` output.
oslayer::Result<std::vector<std::string>> trusted_prefixes(const TrustPaths& paths);

// Writes `key` (armored) to <local_config>/trustedkeys/prefix.d/<prefix>/<fingerprint>, or to
// .../root.d/<fingerprint> when `prefix` is empty, atomically, creating directories 0755 and the
// file 0644 as rkt did. Returns the path written.
oslayer::Result<std::string> store_trusted_key(const std::string& local_config,
                                               const std::optional<appc::AcIdentifier>& prefix,
                                               const std::string& fingerprint,
                                               std::string_view key);

// The prefixes that cover `name`, shortest first: "a.com/b/c" -> "a.com", "a.com/b", "a.com/b/c".
std::vector<std::string> name_prefixes(const appc::AcIdentifier& name);

// A trust store file name: 40 lower-case hex digits (a v4 fingerprint).
bool is_fingerprint_name(std::string_view name);

// Trusted keys are small; anything bigger is not read (untrusted input is capped).
inline constexpr size_t kMaxKeySize = 1 << 20;

}  // namespace stage0::trust
