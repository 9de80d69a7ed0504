#include "appc-spec/names.h"

#include <limits>

namespace appc {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > 80) out += "...";
  return out + "\"";
}

// Shared by AC Identifier and AC Name: alphanumeric runs joined by one separator each.
Status check_runs(std::string_view s, std::string_view separators, size_t max, const char* kind) {
  if (s.empty()) return Error::msg(std::string(kind) + " must not be empty");
  if (s.size() > max) {
    return Error::msg(std::string(kind) + " " + quoted(s) + " is longer than " +
                      std::to_string(max) + " bytes");
  }
  bool after_separator = true;  // the start behaves like a separator: it needs alnum next
  for (char c : s) {
    if (is_lower_alnum(c)) {
      after_separator = false;
    } else if (separators.find(c) != std::string_view::npos) {
      if (after_separator) {
        return Error::msg(std::string(kind) + " " + quoted(s) +
                          " must start with a lower-case letter or digit and have one separator "
                          "between alphanumeric runs");
      }
      after_separator = true;
    } else {
      return Error::msg(std::string(kind) + " " + quoted(s) + " contains " +
                        (static_cast<unsigned char>(c) < 0x20 ? std::string("a control character")
                                                              : "'" + std::string(1, c) + "'") +
                        "; only lower-case letters, digits and " + std::string(separators) +
                        " are allowed");
    }
  }
  if (after_separator) {
    return Error::msg(std::string(kind) + " " + quoted(s) +
                      " must end with a lower-case letter or digit");
  }
  return oslayer::ok();
}

// Parses a decimal uint64; leading zeros are accepted as the Go semver library does.
bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

bool valid_semver_identifiers(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (part.empty()) return false;
    for (char c : part) {
      bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<AcIdentifier> AcIdentifier::parse(std::string_view s) {
  if (auto st = check_runs(s, "-._~/", kMaxLength, "AC Identifier"); !st) {
    return std::move(st).error();
  }
  return AcIdentifier(std::string(s));
}

Result<AcName> AcName::parse(std::string_view s) {
  if (s.empty()) return Error::msg("AC Name must not be empty");
  if (s.size() > kMaxLength) {
    return Error::msg("AC Name " + quoted(s) + " is longer than " + std::to_string(kMaxLength) +
                      " bytes");
  }
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') {
      return Error::msg("AC Name " + quoted(s) +
                        " may contain only lower-case letters, digits and '-'");
    }
  }
  if (s.front() == '-' || s.back() == '-') {
    return Error::msg("AC Name " + quoted(s) + " must start and end with a letter or digit");
  }
  return AcName(std::string(s));
}

Result<AcName> AcName::sanitize(std::string_view s) {
  std::string out;
  bool pending_dash = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (is_lower_alnum(c)) {
      if (pending_dash && !out.empty()) out += '-';
      pending_dash = false;
      out += c;
    } else {
      pending_dash = true;
    }
  }
  if (out.size() > kMaxLength) out.resize(kMaxLength);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) return Error::msg(quoted(s) + " has no letter or digit to make an AC Name from");
  return AcName(std::move(out));
}

Result<AcKind> parse_ac_kind(std::string_view s) {
  if (s == "ImageManifest") return AcKind::kImageManifest;
  if (s == "PodManifest") return AcKind::kPodManifest;
  return Error::msg("unknown acKind " + quoted(s) + " (must be ImageManifest or PodManifest)");
}

std::string_view to_string(AcKind kind) {
  return kind == AcKind::kImageManifest ? "ImageManifest" : "PodManifest";
}

Result<SemVer> SemVer::parse(std::string_view s) {
  auto bad = [&](const char* why) { return Error::msg("version " + quoted(s) + " " + why); };
  SemVer v;
  std::string_view core = s;
  if (auto plus = core.find('+'); plus != std::string_view::npos) {
    v.build_ = std::string(core.substr(plus + 1));
    core = core.substr(0, plus);
    if (!valid_semver_identifiers(v.build_)) return bad("has malformed build metadata");
  }
  if (auto dash = core.find('-'); dash != std::string_view::npos) {
    v.pre_ = std::string(core.substr(dash + 1));
    core = core.substr(0, dash);
    if (!valid_semver_identifiers(v.pre_)) return bad("has a malformed pre-release");
  }
  size_t d1 = core.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : core.find('.', d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos ||
      core.find('.', d2 + 1) != std::string_view::npos) {
    return bad("is not MAJOR.MINOR.PATCH (SemVer 2.0.0)");
  }
  if (!parse_u64(core.substr(0, d1), v.major_) ||
      !parse_u64(core.substr(d1 + 1, d2 - d1 - 1), v.minor_) ||
      !parse_u64(core.substr(d2 + 1), v.patch_)) {
    return bad("is not MAJOR.MINOR.PATCH with decimal numbers (SemVer 2.0.0)");
  }
  if (v.major_ == 0 && v.minor_ == 0 && v.patch_ == 0) return bad("must not be 0.0.0");
  return v;
}

std::string SemVer::str() const {
  std::string out =
      std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  if (!pre_.empty()) out += "-" + pre_;
  if (!build_.empty()) out += "+" + build_;
  return out;
}

Result<ImageId> ImageId::parse(std::string_view s) {
  constexpr std::string_view kPrefix = "sha512-";
  if (s.substr(0, kPrefix.size()) != kPrefix) {
    return Error::msg("image ID " + quoted(s) + " must start with \"sha512-\"");
  }
  std::string_view hex = s.substr(kPrefix.size());
  if (hex.empty() || hex.size() > kFullHexLength) {
    return Error::msg("image ID " + quoted(s) + " must have 1 to 128 hex digits after sha512-");
  }
  for (char c : hex) {
    if (!is_hex(c)) {
      return Error::msg("image ID " + quoted(s) + " must be lower-case hex after sha512-");
    }
  }
  return ImageId(std::string(s));
}

Result<ImageId> ImageId::parse_full(std::string_view s) {
  auto id = parse(s);
  if (id && !id->is_full()) {
    return Error::msg("image ID " + quoted(s) + " is abbreviated; 128 hex digits are needed");
  }
  return id;
}

bool ImageId::is_prefix_of(const ImageId& full) const {
  return full.v_.compare(0, v_.size(), v_) == 0;
}

}  // namespace appc
