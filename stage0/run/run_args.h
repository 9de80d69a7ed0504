// The words of `rkt run` / `rkt prepare` after the pod flags: images, each followed by its own
// flags and an optional `-- args... [---]` list (rkt/cli_apps.go parseApps). The driver parses
// the flags before the first image (the command is not interspersed); this parses the rest.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "oslayer/result.h"
#include "stage0/flag_set.h"

namespace stage0::run {

using KeyValues = std::vector<std::pair<std::string, std::string>>;  // in command-line order

// One image on the command line and what its own flags said. Values are kept as typed; checking
// them (names, paths, volumes) is build_pod_manifest's job, so that a bad value is exit 254 with
// the value named, while a malformed command line is a usage error (exit 2).
struct AppArgs {
  std::string image;
  std::string name;                // --name
  std::string exec;                // --exec: replaces the image's exec
  std::vector<std::string> args;   // after "--": appended to the exec
  bool has_args = false;           // a "--" was given (perhaps with no args)
  std::string working_dir;         // --working-dir
  std::string user;                // --user
  std::string group;               // --group
  std::string supplementary_gids;  // --supplementary-gids, as typed ("1,2")
  KeyValues environment;           // --environment K=V, as typed
  std::optional<bool> readonly_rootfs;
  std::vector<std::string> mounts;            // --mount volume=V,target=P, as typed
  std::string signature;                      // --signature FILE
  std::vector<std::string> user_annotations;  // --user-annotation K=V, as typed
  std::vector<std::string> user_labels;       // --user-label K=V
  std::vector<std::string> annotations;       // --annotation K=V
  std::string memory;                         // --memory, a quantity as typed
  std::string cpu;                            // --cpu
  std::string cpu_shares;                     // --cpu-shares
  std::string oom_score_adj;                  // --oom-score-adj
  std::string caps_retain;                    // --caps-retain, names as typed ("NET_ADMIN,...")
  std::string caps_remove;                    // --caps-remove
  std::string seccomp;                        // --seccomp mode=...,NAME,...
  bool operator==(const AppArgs&) const = default;
};

// The per-app flags and their help, declared once for the driver (so `rkt help run` lists them
// and they are recognised before the first image, to say "must follow an image") and for the
// per-image parsing here.
void add_app_flags(FlagSet& flags);
// Per-app flags that also mean something before the first image (pod-wide): --mount applies to
// every app, the annotation and label flags describe the pod.
bool is_position_sensitive(std::string_view flag);

// Parses `words` (the command's positional arguments, verbatim). A per-app flag applies to the
// image before it; any other flag of `pod_flags`' set (a pod or global flag placed after an
// image, which rkt accepted) is added to `pod_flags`. `allow_app_args`: "--" lists are allowed
// (run and prepare). Every error is a usage error.
oslayer::Result<std::vector<AppArgs>> parse_app_words(std::span<const std::string> words,
                                                      FlagValues& pod_flags, bool allow_app_args);

}  // namespace stage0::run
