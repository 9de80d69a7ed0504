// Flags in the style of Go's pflag, which rkt used: `--name value` and `--name=value`, booleans
// that take no separate value (`--debug`, `--debug=false`), the last occurrence of a flag wins.
// FlagSet declares flags; FlagValues is what parsing (command_line.cc) produces.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stage0 {

// kOptionalValue: pflag's NoOptDefVal, a flag whose value is optional: `--wait` alone stands for
// `no_opt_value`, `--wait=1s` gives a value, and it never takes the next word (rkt status --wait).
enum class FlagKind { kBool, kString, kOptionalValue };

struct FlagSpec {
  std::string name;     // long name, without "--"
  char short_name = 0;  // 0: none
  FlagKind kind = FlagKind::kString;
  std::string default_value;  // as text: "false", "/var/lib/rkt", ""
  std::string help;
  std::string no_opt_value;  // kOptionalValue only
  // Set for an old spelling of the flag named here (pflag's MarkDeprecated): left out of the
  // help, and the parser that reads it says so on stderr as rkt did.
  std::string alias_of;
};

class FlagSet {
 public:
  void add_bool(std::string name, bool default_value, std::string help, char short_name = 0);
  void add_string(std::string name, std::string default_value, std::string help);
  void add_optional_value(std::string name, std::string default_value, std::string no_opt_value,
                          std::string help);
  // `name` as a deprecated spelling of the already declared flag `of`, of the same kind.
  void add_deprecated_alias(std::string name, std::string_view of);

  const std::vector<FlagSpec>& specs() const { return specs_; }
  const FlagSpec* find(std::string_view name) const;
  const FlagSpec* find_short(char short_name) const;

 private:
  std::vector<FlagSpec> specs_;
};

// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. Nomad passes
// `--debug=false`, so the Go spelling is the contract.
std::optional<bool> parse_go_bool(std::string_view s);

// Parsed flag values. Every value was checked against its kind while parsing, so the getters
// cannot fail; asking for a flag that was never declared is a programming error (assert).
class FlagValues {
 public:
  explicit FlagValues(FlagSet set) : set_(std::move(set)) {}

  // Records one occurrence; the parser has already checked that `name` is declared.
  void add(const std::string& name, std::string value);

  bool is_set(std::string_view name) const;
  // The last occurrence, or the declared default.
  const std::string& get_string(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  // Every occurrence in command-line order (repeatable flags such as rkt's --volume).
  std::vector<std::string> get_all(std::string_view name) const;

  const FlagSet& set() const { return set_; }

 private:
  const FlagSpec& spec(std::string_view name) const;

  FlagSet set_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

}  // namespace stage0
