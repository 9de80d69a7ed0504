#include "stage0/cli.h"

#include <unistd.h>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/command_line.h"
#include "stage0/command_table.h"
#include "stage0/global_config.h"
#include "stage0/help.h"

namespace stage0 {
namespace {

std::string plural_args(size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

// The positional argument count against the command's declared range.
oslayer::Status check_arg_count(const Command& c, size_t n) {
  const std::string who = "\"rkt " + full_name(c) + "\"";
  if (c.max_args == 0 && n > 0) {
    return oslayer::Error::msg(who + " takes no arguments, got " + std::to_string(n));
  }
  if (n < c.min_args) {
    return oslayer::Error::msg(who + " needs at least " + plural_args(c.min_args) + ", got " +
                               std::to_string(n));
  }
  if (n > c.max_args) {
    return oslayer::Error::msg(who + " takes at most " + plural_args(c.max_args) + ", got " +
                               std::to_string(n));
  }
  return oslayer::ok();
}

int print(int fd, const std::string& text) {
  auto written = oslayer::write_all(fd, text);
  if (!written) {
    oslayer::log_error(std::move(written).error().context("writing the usage text"));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int run_cli(std::span<const std::string> args) {
  // Quiet until --debug is known; usage errors are one line either way.
  oslayer::log_init("rkt", false);
  FlagSet globals;
  add_global_flags(globals);

  auto line = parse_command_line(args, globals, command_table());
  if (!line) {
    oslayer::log_error(line.error());
    return kExitUsage;
  }
  auto config = make_global_config(line->flags);
  if (!config) {
    oslayer::log_error(usage_error(config.error(), line->command));
    return kExitUsage;
  }
  oslayer::log_set_debug(config->debug);

  // --help wins over everything else, as in cobra: `rkt version --help` prints version's help.
  if (config->help) {
    return print(STDOUT_FILENO, line->command != nullptr
                                    ? render_command_usage(*line->command, globals)
                                    : render_global_usage(command_table(), globals));
  }
  // rkt (runMissingCommand) printed "missing command" and the usage, both on stderr, and exited
  // 2: a script that forgot its command must fail, while `rkt help` is the way to ask for help.
  if (line->command == nullptr) {
    oslayer::log_error(oslayer::Error::msg("missing command"));
    const int rc = print(STDERR_FILENO, render_global_usage(command_table(), globals));
    return rc == kExitOk ? kExitUsage : rc;
  }

  const Command& command = *line->command;
  // A group without a subcommand: like cobra, show the group's usage and fail as a usage error.
  if (command.run == nullptr) {
    oslayer::log_error(usage_error(
        oslayer::Error::msg("\"rkt " + full_name(command) + "\" needs a subcommand"), &command));
    const int rc = print(STDERR_FILENO, render_command_usage(command, globals));
    return rc == kExitOk ? kExitUsage : rc;
  }
  auto count = check_arg_count(command, line->args.size());
  if (!count) {
    oslayer::log_error(usage_error(count.error(), &command));
    return kExitUsage;
  }
  auto rc = command.run(Invocation{*config, line->flags, line->args});
  if (!rc) {
    oslayer::log_error(rc.error());
    return kExitFailure;
  }
  return *rc;
}

}  // namespace stage0
