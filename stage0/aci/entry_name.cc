#include "stage0/aci/entry_name.h"

#include <cstdio>

namespace stage0::aci::detail {

using oslayer::Error;

std::string quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

Error entry_error(std::string_view raw, Error error) {
  // Names are capped so that a 1 MiB pax path does not become a 1 MiB error line.
  constexpr size_t kShown = 256;
  std::string shown = quote(raw.substr(0, kShown));
  if (raw.size() > kShown) shown += "...";
  return std::move(error).context("entry " + shown);
}

oslayer::Result<std::string> clean_name(std::string_view raw) {
  if (raw.empty()) return Error::msg("empty name");
  if (raw.front() == '/') return Error::msg("absolute path");
  if (raw.find('\0') != std::string_view::npos) return Error::msg("NUL byte in name");
  std::string out;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t next = raw.find('/', pos);
    if (next == std::string_view::npos) next = raw.size();
    std::string_view element = raw.substr(pos, next - pos);
    pos = next + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") return Error::msg("path leaves the image");
    if (!out.empty()) out += '/';
    out.append(element);
  }
  if (out.size() > kMaxNameLength) return Error::msg("name too long");
  return out;
}

Part classify(const std::string& cleaned) {
  if (cleaned.empty()) return Part::kTop;
  if (cleaned == "manifest") return Part::kManifest;
  if (cleaned == "rootfs") return Part::kRootfs;
  // "rootfs/" exactly, not Go's bare string prefix that lets "rootfsX" through.
  if (cleaned.compare(0, 7, "rootfs/") == 0) return Part::kInRootfs;
  return Part::kOther;
}

std::string entry_pathname(archive_entry* e) {
  if (const char* p = archive_entry_pathname(e)) return p;
  if (const char* p = archive_entry_pathname_utf8(e)) return p;
  return "";
}

std::string entry_hardlink(archive_entry* e) {
  if (const char* p = archive_entry_hardlink(e)) return p;
  if (const char* p = archive_entry_hardlink_utf8(e)) return p;
  return "";
}

}  // namespace stage0::aci::detail
