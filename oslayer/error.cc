#include "oslayer/error.h"

#include <cstring>
#include <string_view>

namespace oslayer {
namespace {

// strerror_r comes in two flavours; std::strerror is not thread-safe. glibc's strerrordesc_np
// is thread-safe and pure, which keeps this file free of global state.
std::string describe_errno(int err) {
  const char* desc = strerrordesc_np(err);
  if (desc != nullptr) return desc;
  return "errno " + std::to_string(err);
}

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E?";
}

// Messages quote names from images, manifests and the command line, all of which may be
// hostile: a newline would forge a second error line, NUL cuts the line for C readers, and an
// escape sequence would drive the user's terminal. Control bytes are shown as C escapes.
void append_printable(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
}

}  // namespace

std::string Error::text() const {
  std::string out;
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    append_printable(out, *it);
    out += ": ";
  }
  append_printable(out, message_);
  if (errno_ != 0) {
    out += ": ";
    out += describe_errno(errno_);
  }
  return out;
}

std::string Error::tree() const {
  std::string out;
  std::string indent;
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    out += indent;
    append_printable(out, *it);
    out += "\n";
    indent += "  ";
  }
  out += indent;
  append_printable(out, message_);
  if (errno_ != 0) {
    out += "\n" + indent + "  errno " + std::to_string(errno_) + " (" + errno_name(errno_) +
           "): " + describe_errno(errno_);
  }
  return out;
}

}  // namespace oslayer
