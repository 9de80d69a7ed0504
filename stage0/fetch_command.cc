// `rkt fetch [--signature=FILE] [--full] [--pull-policy=update] IMAGE...`: puts each image in
// the store (signature checked, tree rendered) and prints its ID, one per line.
#include <unistd.h>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/commands.h"
#include "stage0/image_fetch.h"
#include "stage0/store/store.h"

namespace stage0 {
namespace {

// rkt printed "sha512-" and 32 hex digits unless --full; enough to be unique in any store.
constexpr size_t kShortIdLength = 7 + 32;

void add_fetch_flags(FlagSet& flags) {
  flags.add_string("signature", "",
                   "local signature file to use in validating the preceding image");
  flags.add_bool("full", false, "print the full image hash after fetching");
  flags.add_string("pull-policy", "update",
                   "when to pull an image: never (store only), new (store, then remote), update "
                   "(remote, then store)");
}

oslayer::Result<int> run_fetch(const Invocation& inv) {
  auto policy = parse_pull_policy(inv.flags.get_string("pull-policy"));
  if (!policy) return std::move(policy).error();
  FetchOptions options;
  options.policy = *policy;
  options.signature_file = inv.flags.get_string("signature");
  if (!options.signature_file.empty() && inv.args.size() > 1) {
    return oslayer::Error::msg("--signature can only be used with a single image");
  }
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  bool full = inv.flags.get_bool("full");
  for (const auto& arg : inv.args) {
    auto id = fetch_image(*store, inv.global, arg, options);
    if (!id) return std::move(id).error();
    std::string shown = full ? *id : id->substr(0, kShortIdLength);
    if (auto st = oslayer::write_all(STDOUT_FILENO, shown + "\n"); !st) {
      return std::move(st).error().context("writing to stdout");
    }
  }
  return kExitOk;
}

}  // namespace

const Command kFetchCommand = {
    .name = "fetch",
    .summary = "Fetch image(s) and store them in the local store",
    .usage = "IMAGE...",
    .description =
        "Fetch each IMAGE (a file path, a file://, http:// or https:// URL, an image ID, or an\n"
        "appc name such as example.com/app:1.0 found by discovery) into the local store, check\n"
        "its signature against the keys trusted for its name (see rkt trust), render its tree,\n"
        "and print its image ID. --insecure-options=image skips the signature check.",
    .min_args = 1,
    .max_args = kUnlimitedArgs,
    .add_flags = add_fetch_flags,
    .run = run_fetch,
};

}  // namespace stage0
