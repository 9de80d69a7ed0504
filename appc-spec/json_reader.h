// Internal: reading untrusted JSON with the reference implementation's (Go encoding/json)
// manners: object keys match case-insensitively, unknown keys are ignored, null means absent.
// Every value carries its path so that an error says where it is ("apps[1].app.exec[0]").
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace appc::detail {

using Json = nlohmann::ordered_json;
using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

// Deeper nesting than any manifest needs; refused before parsing so a hostile file cannot
// exhaust the stack.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` (at most `max_size` bytes) into a JSON document.
Result<Json> parse_json(std::string_view text, size_t max_size);

class Reader {
 public:
  Reader(const Json& json, std::string path) : json_(&json), path_(std::move(path)) {}

  const Json& json() const { return *json_; }
  const std::string& path() const { return path_; }
  // "path: rule".
  Error fail(std::string_view rule) const;
  // Re-anchors an error from a value parser ("AC Name ... must ...") at this path.
  Error fail(const Error& cause) const { return fail(cause.message()); }
  // "path.key: rule", for a rule about a member that may be absent or already read.
  Error fail_member(std::string_view key, std::string_view rule) const;

  bool is_object() const { return json_->is_object(); }
  bool is_array() const { return json_->is_array(); }
  Status expect_object() const;
  Status expect_array() const;

  // The member named `key` (exact match first, then case-insensitive as Go does); nullopt when
  // missing or null. The caller must have checked is_object().
  std::optional<Reader> field(std::string_view key) const;
  // Like field(), but missing or null is an error.
  Result<Reader> required(std::string_view key) const;
  // Element i of an array.
  Reader at(size_t i) const;
  size_t size() const { return json_->size(); }

  Result<std::string> string() const;
  Result<bool> boolean() const;
  Result<int64_t> integer(int64_t min, int64_t max) const;
  Result<uint64_t> unsigned_integer(uint64_t max) const;

 private:
  const Json* json_;
  std::string path_;
};

// Reads an optional array of strings (null or missing: empty).
Result<std::vector<std::string>> string_list(const std::optional<Reader>& r);
// Reads an optional object of string values (userAnnotations, userLabels, sysctl).
Result<std::map<std::string, std::string>> string_map(const std::optional<Reader>& r);

}  // namespace appc::detail
