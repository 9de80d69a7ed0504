// The spec's scalar types (spec/types.md). Each is built only through parse(), so a value that
// exists is valid; str() gives back the canonical text.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace appc {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

// AC Identifier: ^[a-z0-9]+([-._~/][a-z0-9]+)*$, at most kMaxLength bytes. Image names, label
// and annotation names, isolator names. Stricter than the Go code on consecutive separators, so
// that no name contains a "/../" or "//" path step (appc-spec-notes.md).
class AcIdentifier {
 public:
  static constexpr size_t kMaxLength = 512;
  static Result<AcIdentifier> parse(std::string_view s);
  const std::string& str() const { return v_; }
  auto operator<=>(const AcIdentifier&) const = default;

 private:
  explicit AcIdentifier(std::string v) : v_(std::move(v)) {}
  std::string v_;
};

// AC Name: a DNS label, [a-z0-9-] starting and ending alphanumeric, at most 63 bytes. App,
// volume, mount point and port names.
class AcName {
 public:
  static constexpr size_t kMaxLength = 63;
  static Result<AcName> parse(std::string_view s);
  // The AC Name closest to `s` (rkt derives an app name from the image name's last path element):
  // lowercased, runs of other characters turned into one '-', trimmed, cut to kMaxLength.
  // Fails only when nothing alphanumeric is left.
  static Result<AcName> sanitize(std::string_view s);
  const std::string& str() const { return v_; }
  auto operator<=>(const AcName&) const = default;

 private:
  explicit AcName(std::string v) : v_(std::move(v)) {}
  std::string v_;
};

enum class AcKind { kImageManifest, kPodManifest };
Result<AcKind> parse_ac_kind(std::string_view s);
std::string_view to_string(AcKind kind);

// SemVer 2.0.0 (the acVersion field). 0.0.0 is not a version.
class SemVer {
 public:
  static Result<SemVer> parse(std::string_view s);
  uint64_t major() const { return major_; }
  uint64_t minor() const { return minor_; }
  uint64_t patch() const { return patch_; }
  const std::string& prerelease() const { return pre_; }
  const std::string& build() const { return build_; }
  std::string str() const;
  bool operator==(const SemVer&) const = default;

 private:
  SemVer() = default;
  uint64_t major_ = 0, minor_ = 0, patch_ = 0;
  std::string pre_, build_;
};

// Image ID: "sha512-" followed by lowercase hex, the full 128 digits or an abbreviation of them
// (rkt shows and accepts abbreviated IDs).
class ImageId {
 public:
  static constexpr size_t kFullHexLength = 128;
  static Result<ImageId> parse(std::string_view s);
  // Only the full 128-digit form.
  static Result<ImageId> parse_full(std::string_view s);
  const std::string& str() const { return v_; }
  std::string_view hex() const { return std::string_view(v_).substr(7); }
  bool is_full() const { return hex().size() == kFullHexLength; }
  // True if this (possibly abbreviated) ID names `full`.
  bool is_prefix_of(const ImageId& full) const;
  auto operator<=>(const ImageId&) const = default;

 private:
  explicit ImageId(std::string v) : v_(std::move(v)) {}
  std::string v_;
};

// Environment variable names: ^[A-Za-z_][A-Za-z_0-9.-]*$ (the reference code's rule).
Status check_env_name(std::string_view name);
// Values travel through execve(2) and Rocket's line-based files: no NUL, no newline.
Status check_env_value(std::string_view value);

// An absolute path in an app's filesystem: starts with '/', no NUL.
Status check_absolute_path(std::string_view path);

// RFC 3339 date-time with the upper-case 'T' separator (the spec's Timestamps type).
Status check_timestamp(std::string_view s);
// A URL whose scheme is http or https (the homepage and documentation annotations).
Status check_http_url(std::string_view s);
// An IPv4 or IPv6 address in its textual form.
Status check_ip_address(std::string_view s);
// RFC 1123 host name: labels of [A-Za-z0-9-] not starting or ending with '-', at most 63 bytes
// each and 64 in all (what sethostname(2) takes).
Status check_hostname(std::string_view s);

// The os and arch labels' valid combinations (the reference code's table).
Status check_os_arch(std::optional<std::string_view> os, std::optional<std::string_view> arch);

}  // namespace appc
