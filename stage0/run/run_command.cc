// `rkt run`, `rkt prepare` and `rkt run-prepared` (Documentation/running-pods.md).
#include "stage0/commands.h"
#include "stage0/run/pod_launch.h"

namespace stage0 {
namespace {

void add_run_flags(FlagSet& flags) {
  run::add_prepare_flags(flags);
  run::add_start_flags(flags);
}
void add_prepare_only_flags(FlagSet& flags) {
  run::add_prepare_flags(flags);
  flags.add_bool("quiet", false, "print only the pod's UUID");
}

oslayer::Result<int> run_run(const Invocation& inv) {
  return run::prepare_pod(inv, kRunCommand, run::Then::kStart);
}
oslayer::Result<int> run_prepare(const Invocation& inv) {
  return run::prepare_pod(inv, kPrepareCommand, run::Then::kStop);
}
oslayer::Result<int> run_run_prepared(const Invocation& inv) {
  return run::start_prepared_pod(inv);
}

}  // namespace

const Command kRunCommand = {
    .name = "run",
    .summary = "Run image(s) in a pod",
    .usage =
        "[--volume=NAME,kind=host,...] [--mount volume=VOL,target=PATH] IMAGE [per-image "
        "flags] [-- image-args... [---]]...",
    .description =
        "IMAGE is an image ID, a file, a URL or an appc name, fetched as `rkt fetch` would\n"
        "(signature checked; --pull-policy=new by default). Flags before the first image apply\n"
        "to the pod; flags after an image (--exec, --name, --environment, ...) to that image\n"
        "only. --mount, --annotation, --user-annotation and --user-label apply to every app\n"
        "or the pod before any image, to one app after it. \"--\" passes the words after it to\n"
        "the preceding image's exec, until a lone \"---\". The exit code is the pod's.",
    .min_args = 0,
    .max_args = kUnlimitedArgs,
    .add_flags = add_run_flags,
    .run = run_run,
    .interspersed = false,
};

const Command kPrepareCommand = {
    .name = "prepare",
    .summary = "Prepare a pod to be run later with run-prepared",
    .usage = "[--volume=NAME,kind=host,...] IMAGE [per-image flags] [-- image-args... [---]]...",
    .description =
        "Does everything `rkt run` does but start the pod: fetches the images, writes the pod\n"
        "directory, and prints the pod's UUID. Start it with `rkt run-prepared UUID`.",
    .min_args = 0,
    .max_args = kUnlimitedArgs,
    .add_flags = add_prepare_only_flags,
    .run = run_prepare,
    .interspersed = false,
};

const Command kRunPreparedCommand = {
    .name = "run-prepared",
    .summary = "Run a prepared pod",
    .usage = "UUID",
    .description = "Starts the pod UUID (or an unambiguous prefix), made by `rkt prepare`.",
    .min_args = 1,
    .max_args = 1,
    .add_flags = run::add_start_flags,
    .run = run_run_prepared,
};

}  // namespace stage0
