// Getting an image into the store the way `rkt fetch`, `rkt run` and `rkt prepare` do: resolve
// the argument, honour the pull policy, download, check the signature against the keys trusted
// for the image's name, render its tree, and only then make it visible in the store.
#pragma once

#include <string>

#include "oslayer/result.h"
#include "stage0/global_config.h"
#include "stage0/store/store.h"

namespace stage0 {

enum class PullPolicy { kNever, kNew, kUpdate };
oslayer::Result<PullPolicy> parse_pull_policy(std::string_view s);

struct FetchOptions {
  PullPolicy policy = PullPolicy::kUpdate;
  std::string signature_file;  // --signature: a local detached signature for a file or URL
  bool progress = true;        // a progress bar, drawn only when stderr is a terminal
};

// Returns the image ID (sha512-<128 hex>) of the image named by `arg`, now in the store with
// its tree rendered.
oslayer::Result<std::string> fetch_image(store::Store& store, const GlobalConfig& global,
                                         const std::string& arg, const FetchOptions& options);

}  // namespace stage0
