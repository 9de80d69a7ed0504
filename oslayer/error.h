// The one error type of Rocket: an errno (0 when none), the innermost message, and the chain of
// context that each caller adds on the way up. Pure: no syscalls, so appc-spec can use it too.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oslayer {

class Error {
 public:
  // A failure described by our own words, without an errno.
  static Error msg(std::string what) { return Error(0, std::move(what)); }
  // A failed system call: `what` says what was attempted, `err` is the errno captured right after.
  static Error sys(int err, std::string what) { return Error(err, std::move(what)); }

  // Adds what the caller was doing. The chain reads outermost first when printed.
  Error& context(std::string hop) & {
    chain_.push_back(std::move(hop));
    return *this;
  }
  Error&& context(std::string hop) && {
    chain_.push_back(std::move(hop));
    return std::move(*this);
  }

  int code() const { return errno_; }
  const std::string& message() const { return message_; }
  // Innermost hop first, in the order the hops were added.
  const std::vector<std::string>& chain() const { return chain_; }

  // One line: "outer: ...: inner: message: strerror". What users see by default.
  std::string text() const;
  // One hop per line, indented from the outermost down, with the errno's name and number;
  // what --debug prints.
  std::string tree() const;

  bool operator==(const Error&) const = default;

 private:
  Error(int err, std::string message) : errno_(err), message_(std::move(message)) {}

  int errno_ = 0;
  std::string message_;
  std::vector<std::string> chain_;
};

}  // namespace oslayer
