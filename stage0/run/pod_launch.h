// What `rkt run`, `rkt prepare` and `rkt run-prepared` share: their flags, preparing a pod from
// the command line, and starting a prepared one. Compiled into stage0_lib (it needs the Command
// types, the fetch orchestration and the global config).
#pragma once

#include "stage0/command.h"

namespace stage0::run {

// run and prepare: the pod flags (volumes, environment, stage1, pull policy, ...) and the
// per-app flags (for help, and to say "must follow an image" when placed before one).
void add_prepare_flags(FlagSet& flags);
// run and run-prepared: the flags that shape the running pod (--net, --interactive, hostname).
void add_start_flags(FlagSet& flags);

enum class Then { kStop, kStart };

// Prepares a pod from the command line (inv.args are the words from the first image on); with
// kStop it is left prepared and its UUID printed, with kStart it is started and this never
// returns on success. Usage errors are logged here and return kExitUsage.
oslayer::Result<int> prepare_pod(const Invocation& inv, const Command& command, Then then);

// run-prepared: takes the prepared pod inv.args[0] and starts it.
oslayer::Result<int> start_prepared_pod(const Invocation& inv);

}  // namespace stage0::run
