// Choosing and importing the pod's stage1 (stage1-interface.md, "How stage0 finds the default
// stage1"; reference 3.7). Compiled into stage0_lib: it fetches through stage0/image_fetch.h.
#pragma once

#include <string>

#include "oslayer/result.h"
#include "stage0/flag_set.h"
#include "stage0/global_config.h"
#include "stage0/store/store.h"

namespace stage0::run {

struct Stage1Image {
  std::string image_id;
  std::string tree_id;
  std::string manifest;  // raw JSON, for the pod's stage1/manifest
};

// Declares --stage1-path, --stage1-url, --stage1-name, --stage1-hash, --stage1-from-dir.
void add_stage1_flags(FlagSet& flags);

// An explicit flag wins and fails hard; otherwise the default image next to rkt, then the
// compiled-in path, imported without a signature check (trusted by location) and remembered by
// the file's identity so that the next run does not read it again.
oslayer::Result<Stage1Image> select_stage1(store::Store& store, const GlobalConfig& global,
                                           const FlagValues& flags);

}  // namespace stage0::run
