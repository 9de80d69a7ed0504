// OpenPGP signature checks with gpgme, against a private, temporary keyring built from the
// trust store; the user's own keyring is never read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/names.h"
#include "oslayer/result.h"
#include "stage0/trust/trust_store.h"

namespace stage0::trust {

struct KeyInfo {
  std::string fingerprint;        // lower-case hex
  std::vector<std::string> uids;  // "Name <mail>"
  bool expired = false;
  bool revoked = false;
  std::vector<std::string> subkey_fingerprints;  // lower-case hex, the primary key's excluded
};

// Reads one armored (or binary) public key; an input with no key or several keys is an error,
// and so is a secret key (it has no place in a world-readable trust store).
oslayer::Result<KeyInfo> inspect_key(std::string_view key);

// "8b86de38..." as rkt showed it for review: upper-case groups of four, two spaces in the middle
// ("8B86 DE38 890D DB72 9186  7B02 5210 BD88 8818 2190").
std::string format_fingerprint(std::string_view fingerprint);

struct Signer {
  std::string fingerprint;
  std::vector<std::string> uids;
};

// Checks a detached signature (armored or binary) over all bytes of `signed_fd` (read from
// offset 0) against `keys`, which must be the keys trusted for `name`. Fails with a one-line
// reason: a bad signature; a good signature by a key that is not trusted for `name` (naming the
// key's fingerprint and the prefixes that would have to trust it); an expired or revoked key.
oslayer::Result<Signer> verify_detached(const std::vector<TrustedKey>& keys,
                                        const appc::AcIdentifier& name, int signed_fd,
                                        std::string_view signature);

// The same check without an image name: the signer of the first acceptable signature among
// `keys`, whatever names they are trusted for. For a check started before the name is known;
// the caller must then hold the signer against the keys trusted for the name.
oslayer::Result<Signer> find_signer(const std::vector<TrustedKey>& keys, int signed_fd,
                                    std::string_view signature);

}  // namespace stage0::trust
