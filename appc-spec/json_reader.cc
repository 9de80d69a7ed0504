#include "appc-spec/json_reader.h"

#include <limits>
#include <set>
#include <vector>

namespace appc::detail {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

std::string_view type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_float:
      return "a fractional number";
    default:
      return "a number";
  }
}

// Counts bracket depth outside strings. The parser itself would recurse this deep while
// building the document, so the limit is checked on the raw bytes first.
bool deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<Json> parse_json(std::string_view text, size_t max_size) {
  if (text.size() > max_size) {
    return Error::msg("is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                      std::to_string(max_size));
  }
  if (deeper_than(text, kMaxJsonDepth)) {
    return Error::msg("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // nlohmann skips a UTF-8 byte order mark; Go's decoder (and so actool) refuses it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return Error::msg("starts with a byte order mark");
  // Two keys of one object that match case-insensitively are refused: Go decodes every copy and
  // keeps the last, nlohmann keeps one of them, and a manifest must not mean different things to
  // Rocket and to the Go tools. The callback sees each key as it is parsed.
  std::vector<std::set<std::string>> open_objects;  // the folded keys of each open object
  std::string duplicate;
  auto watch = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty()) {
      std::string key = parsed.get<std::string>();
      std::string folded = key;
      for (auto& c : folded) c = fold(c);
      if (open_objects.back().count(folded) != 0 && duplicate.empty()) {
        duplicate = folded == key ? "\"" + key + "\"" : "\"" + folded + "\" (as \"" + key + "\")";
      }
      open_objects.back().insert(std::move(folded));
    }
    return true;
  };
  // nlohmann reports syntax errors by exception; it is caught here, at the library boundary.
  try {
    Json doc = Json::parse(text.begin(), text.end(), watch);
    if (!duplicate.empty()) {
      return Error::msg("has the key " + duplicate.substr(0, 160) +
                        " twice in one object (keys match case-insensitively)");
    }
    return doc;
  } catch (const Json::parse_error& e) {
    return Error::msg("is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const std::exception& e) {
    return Error::msg(std::string("is not valid JSON: ") + e.what());
  }
}

Error Reader::fail(std::string_view rule) const {
  return Error::msg((path_.empty() ? std::string("(top level)") : path_) + ": " +
                    std::string(rule));
}

Error Reader::fail_member(std::string_view key, std::string_view rule) const {
  return Error::msg((path_.empty() ? std::string(key) : path_ + "." + std::string(key)) + ": " +
                    std::string(rule));
}

Status Reader::expect_object() const {
  if (!json_->is_object()) return fail("must be an object, not " + std::string(type_name(*json_)));
  return oslayer::ok();
}

Status Reader::expect_array() const {
  if (!json_->is_array()) return fail("must be an array, not " + std::string(type_name(*json_)));
  return oslayer::ok();
}

std::optional<Reader> Reader::field(std::string_view key) const {
  const Json* found = nullptr;
  auto exact = json_->find(std::string(key));
  if (exact != json_->end()) {
    found = &exact.value();
  } else {
    // Go's decoder takes a case-insensitive match; with several, the last one in the document
    // wins, as later keys overwrite earlier ones there.
    for (auto it = json_->begin(); it != json_->end(); ++it) {
      if (equal_fold(it.key(), key)) found = &it.value();
    }
  }
  if (found == nullptr || found->is_null()) return std::nullopt;
  return Reader(*found, path_.empty() ? std::string(key) : path_ + "." + std::string(key));
}

Result<Reader> Reader::required(std::string_view key) const {
  auto r = field(key);
  if (!r) {
    return Error::msg((path_.empty() ? std::string(key) : path_ + "." + std::string(key)) +
                      ": is required");
  }
  return *r;
}

Reader Reader::at(size_t i) const {
  return Reader((*json_)[i], path_ + "[" + std::to_string(i) + "]");
}

Result<std::string> Reader::string() const {
  if (!json_->is_string()) return fail("must be a string, not " + std::string(type_name(*json_)));
  return json_->get<std::string>();
}

Result<bool> Reader::boolean() const {
  if (!json_->is_boolean()) {
    return fail("must be true or false, not " + std::string(type_name(*json_)));
  }
  return json_->get<bool>();
}

Result<int64_t> Reader::integer(int64_t min, int64_t max) const {
  int64_t v = 0;
  if (json_->is_number_unsigned()) {
    auto u = json_->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return fail("must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    v = static_cast<int64_t>(u);
  } else if (json_->is_number_integer()) {
    v = json_->get<int64_t>();
  } else {
    return fail("must be an integer, not " + std::string(type_name(*json_)));
  }
  if (v < min || v > max) {
    return fail("must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

Result<uint64_t> Reader::unsigned_integer(uint64_t max) const {
  if (json_->is_number_unsigned()) {
    auto u = json_->get<uint64_t>();
    if (u > max) return fail("must be at most " + std::to_string(max));
    return u;
  }
  if (json_->is_number_integer()) return fail("must not be negative");
  return fail("must be a non-negative integer, not " + std::string(type_name(*json_)));
}

Result<std::vector<std::string>> string_list(const std::optional<Reader>& r) {
  std::vector<std::string> out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  for (size_t i = 0; i < r->size(); ++i) {
    auto s = r->at(i).string();
    if (!s) return std::move(s).error();
    out.push_back(std::move(*s));
  }
  return out;
}

Result<std::map<std::string, std::string>> string_map(const std::optional<Reader>& r) {
  std::map<std::string, std::string> out;
  if (!r) return out;
  if (auto st = r->expect_object(); !st) return std::move(st).error();
  for (auto it = r->json().begin(); it != r->json().end(); ++it) {
    Reader value(it.value(), r->path() + "." + it.key());
    auto s = value.string();
    if (!s) return std::move(s).error();
    out[it.key()] = std::move(*s);
  }
  return out;
}

}  // namespace appc::detail
