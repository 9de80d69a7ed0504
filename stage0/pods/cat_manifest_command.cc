// `rkt cat-manifest`: the pod's appc Pod Manifest, re-encoded from the `pod` file (so what is
// printed is what Rocket understood of it), pretty-printed with tabs by default as rkt did.
#include <nlohmann/json.hpp>

#include "appc-spec/pod_manifest.h"
#include "stage0/commands.h"
#include "stage0/pods/pod_args.h"
#include "stage0/pods/pod_info.h"

namespace stage0 {
namespace {

void add_cat_manifest_flags(FlagSet& flags) {
  flags.add_bool("pretty-print", true, "apply indent to format the output");
  pods::add_uuid_file_flag(flags);
}

oslayer::Result<int> run_cat_manifest(const Invocation& inv) {
  auto uuids = pods::pod_args(inv);
  if (!uuids) return std::move(uuids).error();
  if (uuids->size() != 1) return oslayer::Error::msg("cat-manifest takes exactly one pod");
  auto ref = pods::find_pod(inv.global.dir, uuids->front());
  if (!ref) return std::move(ref).error().context("problem retrieving pod");
  auto bytes = pods::read_pod_manifest_bytes(*ref);
  if (!bytes) return std::move(bytes).error().context("cannot get pod manifest");
  auto pm = appc::decode_pod_manifest(*bytes);
  if (!pm) return std::move(pm).error().context("invalid pod manifest of pod " + ref->uuid);
  std::string out = appc::encode_pod_manifest(*pm);
  if (inv.flags.get_bool("pretty-print")) {
    // Go's json.MarshalIndent(v, "", "\t"); ordered_json keeps the encoder's field order.
    out = nlohmann::ordered_json::parse(out, nullptr, false).dump(1, '\t');
  }
  if (auto st = pods::print_out(out + "\n"); !st) return std::move(st).error();
  return kExitOk;
}

}  // namespace

const Command kCatManifestCommand = {
    .name = "cat-manifest",
    .summary = "Inspect and print the pod manifest",
    .usage = "--uuid-file=FILE | UUID",
    .description = "Print the appc Pod Manifest of the pod UUID (a unique prefix is enough).",
    .min_args = 0,
    .max_args = 1,
    .add_flags = add_cat_manifest_flags,
    .run = run_cat_manifest,
};

}  // namespace stage0
