#include "stage0/help.h"

#include <unistd.h>

#include <algorithm>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/command_table.h"
#include "stage0/commands.h"
#include "stage0/global_config.h"
#include "stage0/version.h"

namespace stage0 {
namespace {

constexpr std::string_view kIndent = "  ";

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// "  -h, --help=false   help for ..." with the help texts aligned in one column.
std::string render_flags(const FlagSet& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const FlagSpec& s : flags.specs()) {
    if (!s.alias_of.empty()) continue;
    std::string left = s.short_name != 0 ? std::string("-") + s.short_name + ", " : "    ";
    left += "--" + s.name;
    left += s.kind == FlagKind::kString ? "=\"" + s.default_value + "\"" : "=" + s.default_value;
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), s.help);
  }
  std::string out;
  for (auto& [left, help] : rows) {
    out += std::string(kIndent) + pad(left, width + 2) + help + "\n";
  }
  return out;
}

// Each line of a multi-line description, indented.
std::string indent_lines(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    if (!line.empty()) out += kIndent;
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

oslayer::Result<int> run_help(const Invocation& inv) {
  FlagSet globals;
  add_global_flags(globals);
  std::string text;
  if (inv.args.empty()) {
    text = render_global_usage(command_table(), globals);
  } else {
    auto command = resolve_command(inv.args.front(), command_table());
    // "rkt help image list": the second word picks a subcommand of a group.
    if (command && inv.args.size() > 1 && !(*command)->subcommands.empty()) {
      command = resolve_command(inv.args[1], (*command)->subcommands);
    }
    if (!command) {
      // A usage error, not a failure: logged here, where it stops, so the exit code can be 2.
      oslayer::log_error(usage_error(command.error(), nullptr));
      return kExitUsage;
    }
    text = render_command_usage(**command, globals);
  }
  auto written = oslayer::write_all(STDOUT_FILENO, text);
  if (!written) return std::move(written).error().context("writing to stdout");
  return kExitOk;
}

}  // namespace

std::string render_global_usage(CommandTable table, const FlagSet& globals) {
  std::string out;
  out += "NAME:\n";
  out += std::string(kIndent) + "rkt - rkt, the application container runner (Rocket)\n\n";
  out += "USAGE:\n";
  out += std::string(kIndent) + "rkt [global flags] COMMAND [flags] [arguments...]\n\n";
  out += "VERSION:\n";
  out += std::string(kIndent) + std::string(rkt_version()) + "\n\n";
  out += "COMMANDS:\n";
  size_t width = 0;
  for (const Command* c : table) width = std::max(width, c->name.size());
  for (const Command* c : table) {
    out += std::string(kIndent) + pad(std::string(c->name), width + 2) + std::string(c->summary) +
           "\n";
  }
  out += "\nDESCRIPTION:\n";
  out += indent_lines(
      "A CLI for running app containers on Linux.\n"
      "\n"
      "A unique prefix of a command's name selects it (\"rkt ver\" runs \"rkt version\").\n"
      "To get the help on any specific command, run \"rkt help COMMAND\".");
  out += "\nGLOBAL OPTIONS:\n";
  out += render_flags(globals);
  return out;
}

std::string render_command_usage(const Command& command, const FlagSet& globals) {
  FlagSet own;
  if (command.add_flags != nullptr) command.add_flags(own);
  std::string out;
  out += "NAME:\n";
  out += std::string(kIndent) + "rkt " + full_name(command) + " - " + std::string(command.summary) +
         "\n\n";
  out += "USAGE:\n";
  out += std::string(kIndent) + "rkt " + full_name(command);
  if (!command.subcommands.empty()) out += " COMMAND";
  if (!own.specs().empty()) out += " [flags]";
  if (!command.usage.empty()) out += " " + std::string(command.usage);
  out += "\n\nDESCRIPTION:\n";
  out += indent_lines(command.description);
  if (!command.subcommands.empty()) {
    out += "\nCOMMANDS:\n";
    size_t width = 0;
    for (const Command* c : command.subcommands) width = std::max(width, c->name.size());
    for (const Command* c : command.subcommands) {
      out += std::string(kIndent) + pad(std::string(c->name), width + 2) + std::string(c->summary) +
             "\n";
    }
  }
  if (!own.specs().empty()) {
    out += "\nOPTIONS:\n";
    out += render_flags(own);
  }
  out += "\nGLOBAL OPTIONS:\n";
  out += render_flags(globals);
  return out;
}

const Command kHelpCommand = {
    .name = "help",
    .summary = "Help about any command",
    .usage = "[COMMAND [SUBCOMMAND]]",
    .description =
        "Print the list of commands and the global flags, or the help of COMMAND\n"
        "(a unique prefix of its name is enough).",
    .min_args = 0,
    .max_args = 2,
    .add_flags = nullptr,
    .run = run_help,
};

}  // namespace stage0
