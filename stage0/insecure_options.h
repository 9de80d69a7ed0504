// The --insecure-options list (rkt/flag/secflags.go): which security checks the user switched
// off. Kept as a bit set so the groups (all-fetch, all-run, all) expand exactly as rkt's did.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0 {

class InsecureOptions {
 public:
  enum Bit : uint32_t {
    kImage = 1u << 0,         // no signature check
    kTls = 1u << 1,           // accept any certificate
    kOnDisk = 1u << 2,        // accepted and ignored, as in rkt (backward compatibility)
    kHttp = 1u << 3,          // plain HTTP for images, signatures and keys
    kPubKey = 1u << 4,        // keys fetched over insecure transports
    kCapabilities = 1u << 5,  // all capabilities
    kPaths = 1u << 6,         // no masked/read-only paths, open device cgroup
    kSeccomp = 1u << 7,       // no seccomp filter
  };

  // rkt's code, not its docs: all-fetch includes pubkey, all-run includes ondisk.
  static constexpr uint32_t kAllFetch = kImage | kTls | kHttp | kPubKey;
  static constexpr uint32_t kAllRun = kOnDisk | kCapabilities | kPaths | kSeccomp;
  static constexpr uint32_t kAll = kAllFetch | kAllRun;

  // The names in rkt's order, for the help text and error messages.
  static constexpr std::string_view kNames =
      "none, image, tls, ondisk, http, pubkey, capabilities, paths, seccomp, all-fetch, all-run, "
      "all";

  InsecureOptions() = default;

  // A comma list, case-insensitive as in rkt; "" and "none" switch nothing off. Unknown and
  // repeated names are errors that name the offending value.
  static oslayer::Result<InsecureOptions> parse(std::string_view list);

  bool has(Bit bit) const { return (bits_ & bit) != 0; }
  bool any() const { return bits_ != 0; }
  uint32_t bits() const { return bits_; }
  // Canonical text: the single options in rkt's order, or "none".
  std::string str() const;

  bool operator==(const InsecureOptions&) const = default;

 private:
  explicit InsecureOptions(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

}  // namespace stage0
