// The environment an app starts with, merged as rkt did (reference 1.4): the caller's own
// environment (--inherit-env) < the image's < --set-env-file < --set-env < the app's
// --environment. A later source replaces a variable's value where it first appeared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/types.h"
#include "oslayer/result.h"
#include "stage0/run/run_args.h"

namespace stage0::run {

struct PodEnv {
  KeyValues inherited;  // the caller's environment, when --inherit-env
  KeyValues from_file;  // --set-env-file, in file order
  KeyValues explicit_;  // --set-env
};

// "NAME=VALUE" split at the first '='; the name must be non-empty and hold no NUL.
oslayer::Result<std::pair<std::string, std::string>> split_env(std::string_view s);

// rkt's --set-env-file format: one NAME=VALUE per line; empty lines and lines starting with '#'
// or ';' are skipped; a malformed line or a name given twice is an error naming the line.
oslayer::Result<KeyValues> parse_env_file(std::string_view text, const std::string& path);

// --set-env: repeats of a name are an error, as in rkt.
oslayer::Result<KeyValues> parse_set_env(const std::vector<std::string>& flags);

appc::Environment merge_environment(const PodEnv& pod, const appc::Environment& image,
                                    const KeyValues& app);

}  // namespace stage0::run
