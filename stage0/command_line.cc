#include "stage0/command_line.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <utility>

namespace stage0 {
namespace po = boost::program_options;
namespace {

// The positional arguments travel through Program_options as occurrences of one hidden option.
// A user could type its name as a flag; parse_flags refuses that (position_key < 0).
constexpr const char* kPositional = "positional-arguments";

// pflag syntax, minus what Program_options adds on top: no abbreviated long flags (pflag has
// none, and `--de` silently meaning `--debug` would differ from rkt).
constexpr int kStyle = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A flag's value that no argv word can hold (argv strings end at their first NUL), standing for
// "" on its way through Program_options.
constexpr std::string_view kEmptyValue("\0", 1);

// Words Program_options would get wrong, recognised before it sees them:
// - booleans: an implicit-value option would take the next word as its value (`--debug version`
//   would set debug to "version"), while a pflag boolean never takes a separate word;
// - "--name=": Program_options refuses an empty value after '=', pflag takes it as "".
// Returning exactly one value keeps Program_options from reaching for the next word.
std::pair<std::string, std::string> parse_special_word(const FlagSet& flags,
                                                       const std::string& word) {
  if (word.size() == 2 && word[0] == '-' && word[1] != '-') {
    const FlagSpec* s = flags.find_short(word[1]);
    if (s != nullptr && s->kind == FlagKind::kBool) return {s->name, "true"};
    return {};
  }
  if (!word.starts_with("--")) return {};
  const std::string_view body = std::string_view(word).substr(2);
  const size_t eq = body.find('=');
  const FlagSpec* s = flags.find(body.substr(0, eq));
  if (s == nullptr) return {};
  if (eq == std::string_view::npos) {
    if (s->kind == FlagKind::kBool) return {s->name, "true"};
    if (s->kind == FlagKind::kOptionalValue) return {s->name, s->no_opt_value};
    return {};  // `--dir VALUE`: Program_options takes the next word
  }
  const std::string_view value = body.substr(eq + 1);
  return {s->name, std::string(value.empty() ? kEmptyValue : value)};
}

// Program_options reports "--name=value" as the option's name; users think of the flag.
std::string flag_name_of(const std::string& token) { return token.substr(0, token.find('=')); }

oslayer::Error syntax_error(const po::error_with_option_name& e, const FlagSet& flags) {
  const std::string flag = flag_name_of(e.get_option_name());
  const std::string_view bare =
      std::string_view(flag).substr(std::min(flag.find_first_not_of('-'), flag.size()));
  const bool known = flag.starts_with("--")
                         ? flags.find(bare) != nullptr
                         : bare.size() == 1 && flags.find_short(bare[0]) != nullptr;
  if (!known) return oslayer::Error::msg("unknown flag: " + flag);
  const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e);
  if (syntax != nullptr && syntax->kind() == po::invalid_command_line_syntax::missing_parameter) {
    return oslayer::Error::msg("flag needs an argument: " + flag);
  }
  if (syntax != nullptr && syntax->kind() == po::invalid_command_line_syntax::extra_parameter) {
    return oslayer::Error::msg("flag " + flag + " takes no value");
  }
  return oslayer::Error::msg("invalid use of flag " + flag);
}

}  // namespace

oslayer::Error usage_error(const oslayer::Error& cause, const Command* command) {
  std::string hint = " (see \"rkt help";
  if (command != nullptr) {
    hint += ' ';
    hint += full_name(*command);
  }
  hint += "\")";
  return oslayer::Error::msg(cause.text() + hint);
}

oslayer::Result<const Command*> resolve_command(std::string_view word, CommandTable table) {
  std::vector<const Command*> matches;
  for (const Command* c : table) {
    if (c->name == word) return c;
    if (!word.empty() && c->name.starts_with(word)) matches.push_back(c);
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) return oslayer::Error::msg("unknown command " + quote(word));
  std::string names;
  for (const Command* c : matches) {
    if (!names.empty()) names += ", ";
    names += c->name;
  }
  return oslayer::Error::msg("ambiguous command " + quote(word) + ": could be " + names);
}

std::optional<size_t> find_command_word(std::span<const std::string> args, const FlagSet& globals) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    const FlagSpec* spec = nullptr;
    if (a.starts_with("--")) {
      if (a.find('=') != std::string::npos) continue;  // the value is inside the word
      spec = globals.find(std::string_view(a).substr(2));
    } else if (a.size() > 1 && a[0] == '-') {
      if (a.size() == 2) spec = globals.find_short(a[1]);
    } else {
      return i;
    }
    // A flag that takes a value takes the next word. Unknown flags are assumed not to; parsing
    // refuses them later anyway.
    if (spec != nullptr && spec->kind == FlagKind::kString) ++i;
  }
  return std::nullopt;
}

oslayer::Result<CommandLine> parse_flags(std::span<const std::string> args, FlagSet flags) {
  const std::vector<std::string> words(args.begin(), args.end());
  po::options_description desc;
  po::positional_options_description positional;
  po::parsed_options parsed(nullptr);
  // Program_options reports everything by exception; each one becomes a usage error here.
  try {
    // untyped_value: exactly one word per occurrence, kept as text. Nothing is stored in a
    // variables_map (the last occurrence wins, as in pflag, where Program_options would refuse a
    // repeat), so no typed conversion is needed. Ownership passes to `desc`.
    auto add = desc.add_options();
    for (const FlagSpec& s : flags.specs()) {
      std::string names = s.name;
      if (s.short_name != 0) names += std::string(",") + s.short_name;
      add(names.c_str(), new po::untyped_value(), s.help.c_str());
    }
    add(kPositional, new po::untyped_value());
    positional.add(kPositional, -1);
    parsed =
        po::command_line_parser(words)
            .options(desc)
            .positional(positional)
            .style(kStyle)
            .extra_parser([&flags](const std::string& w) { return parse_special_word(flags, w); })
            .run();
  } catch (const po::error_with_option_name& e) {
    // Never e.what(): it fills the placeholders of its message (%option%, ...) with the user's
    // word by replacing until none is left, which never ends when the word itself holds one
    // (Boost 1.74; found by tests/fuzz/cli_fuzzer.cc).
    return syntax_error(e, flags);
  } catch (const po::error& e) {
    return oslayer::Error::msg(e.what());  // the others have fixed messages
  }

  CommandLine out{nullptr, FlagValues(flags), {}};
  for (const po::option& o : parsed.options) {
    if (o.string_key == kPositional) {
      if (o.position_key < 0) {
        return oslayer::Error::msg("unknown flag: --" + std::string(kPositional));
      }
      out.args.insert(out.args.end(), o.value.begin(), o.value.end());
      continue;
    }
    const FlagSpec* spec = flags.find(o.string_key);
    // Program_options only returns declared options; a mismatch is a bug in this file.
    if (spec == nullptr || o.value.size() != 1) {
      return oslayer::Error::msg("internal error parsing flag --" + o.string_key);
    }
    std::string value = o.value.front() == kEmptyValue ? "" : o.value.front();
    if (spec->kind == FlagKind::kBool) {
      const std::optional<bool> b = parse_go_bool(value);
      if (!b) {
        return oslayer::Error::msg("invalid argument " + quote(value) + " for \"--" + spec->name +
                                   "\" flag: not a boolean (true, false, 1, 0, t, f)");
      }
      value = *b ? "true" : "false";
    }
    out.flags.add(spec->name, std::move(value));
  }
  return out;
}

namespace {

// For a command that is not interspersed: the index of its first positional argument in `args`
// (the command name already removed), or of a "--"; args.size() when there is none. Flags
// that take a value skip it, as in find_command_word.
size_t first_positional(std::span<const std::string> args, const FlagSet& flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" || a.size() < 2 || a[0] != '-') return i;
    const FlagSpec* spec = nullptr;
    if (a.starts_with("--")) {
      if (a.find('=') != std::string::npos) continue;
      spec = flags.find(std::string_view(a).substr(2));
    } else if (a.size() == 2) {
      spec = flags.find_short(a[1]);
    }
    if (spec != nullptr && spec->kind == FlagKind::kString) ++i;
  }
  return args.size();
}

}  // namespace

oslayer::Result<CommandLine> parse_command_line(std::span<const std::string> args,
                                                const FlagSet& globals, CommandTable table) {
  const std::optional<size_t> word = find_command_word(args, globals);
  const Command* command = nullptr;
  FlagSet flags = globals;
  std::vector<std::string> rest(args.begin(), args.end());
  if (word) {
    auto found = resolve_command(args[*word], table);
    if (!found) return usage_error(found.error(), nullptr);
    command = *found;
    if (command->add_flags != nullptr) command->add_flags(flags);
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(*word));
    // A group: its subcommand is the next word that is not a flag; without one, the group
    // itself is returned and the driver prints its usage.
    if (!command->subcommands.empty()) {
      if (const auto sub = find_command_word(rest, flags)) {
        auto found_sub = resolve_command(rest[*sub], command->subcommands);
        if (!found_sub) return usage_error(found_sub.error(), command);
        command = *found_sub;
        if (command->add_flags != nullptr) command->add_flags(flags);
        rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(*sub));
      }
    }
  }
  std::vector<std::string> verbatim;
  if (command != nullptr && !command->interspersed) {
    const size_t first = std::min(first_positional(rest, flags), rest.size());
    auto tail = rest.begin() + static_cast<std::ptrdiff_t>(first);
    const bool dashes = tail != rest.end() && *tail == "--";
    verbatim.assign(dashes ? tail + 1 : tail, rest.end());
    rest.erase(tail, rest.end());
  }
  auto line = parse_flags(rest, std::move(flags));
  if (!line) return usage_error(line.error(), command);
  line->command = command;
  if (command != nullptr && !command->interspersed) line->args = std::move(verbatim);
  return line;
}

}  // namespace stage0
