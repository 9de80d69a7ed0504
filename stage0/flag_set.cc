#include "stage0/flag_set.h"

#include <array>
#include <cassert>

namespace stage0 {

void FlagSet::add_bool(std::string name, bool default_value, std::string help, char short_name) {
  assert(find(name) == nullptr);
  specs_.push_back(FlagSpec{std::move(name), short_name, FlagKind::kBool,
                            default_value ? "true" : "false", std::move(help)});
}

void FlagSet::add_string(std::string name, std::string default_value, std::string help) {
  assert(find(name) == nullptr);
  specs_.push_back(
      FlagSpec{std::move(name), 0, FlagKind::kString, std::move(default_value), std::move(help)});
}

void FlagSet::add_optional_value(std::string name, std::string default_value,
                                 std::string no_opt_value, std::string help) {
  assert(find(name) == nullptr);
  specs_.push_back(FlagSpec{std::move(name), 0, FlagKind::kOptionalValue, std::move(default_value),
                            std::move(help), std::move(no_opt_value)});
}

void FlagSet::add_deprecated_alias(std::string name, std::string_view of) {
  assert(find(name) == nullptr);
  const FlagSpec* target = find(of);
  assert(target != nullptr);
  FlagSpec alias = *target;
  alias.name = std::move(name);
  alias.short_name = 0;
  alias.help = "deprecated: use --" + target->name;
  alias.alias_of = target->name;
  specs_.push_back(std::move(alias));
}

const FlagSpec* FlagSet::find(std::string_view name) const {
  for (const FlagSpec& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const FlagSpec* FlagSet::find_short(char short_name) const {
  if (short_name == 0) return nullptr;
  for (const FlagSpec& s : specs_) {
    if (s.short_name == short_name) return &s;
  }
  return nullptr;
}

std::optional<bool> parse_go_bool(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> kFalse = {"0",     "f",     "F",
                                                             "FALSE", "false", "False"};
  for (std::string_view t : kTrue) {
    if (s == t) return true;
  }
  for (std::string_view f : kFalse) {
    if (s == f) return false;
  }
  return std::nullopt;
}

void FlagValues::add(const std::string& name, std::string value) {
  assert(set_.find(name) != nullptr);
  values_[name].push_back(std::move(value));
}

const FlagSpec& FlagValues::spec(std::string_view name) const {
  const FlagSpec* s = set_.find(name);
  assert(s != nullptr && "flag was never declared");
  return *s;
}

bool FlagValues::is_set(std::string_view name) const {
  (void)spec(name);  // only for its assert: a typo in a flag name must not read as "unset"
  return values_.find(name) != values_.end();
}

const std::string& FlagValues::get_string(std::string_view name) const {
  const FlagSpec& s = spec(name);
  auto it = values_.find(name);
  return it == values_.end() ? s.default_value : it->second.back();
}

bool FlagValues::get_bool(std::string_view name) const {
  assert(spec(name).kind == FlagKind::kBool);
  // The parser stored only values that parse_go_bool accepted, and the defaults are ours.
  return parse_go_bool(get_string(name)).value_or(false);
}

std::vector<std::string> FlagValues::get_all(std::string_view name) const {
  (void)spec(name);  // assert only
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace stage0
