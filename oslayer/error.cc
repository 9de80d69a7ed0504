#include "oslayer/error.h"

#include <cstring>

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

}  // namespace

std::string Error::text() const {
  std::string out;
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += message_;
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
    out += indent + *it + "\n";
    indent += "  ";
  }
  out += indent + message_;
  if (errno_ != 0) {
    out += "\n" + indent + "  errno " + std::to_string(errno_) + " (" + errno_name(errno_) +
           "): " + describe_errno(errno_);
  }
  return out;
}

}  // namespace oslayer
