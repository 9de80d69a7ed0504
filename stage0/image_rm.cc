// `rkt image rm IMAGE...` and `rkt image gc`: removing images and rendered trees.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <set>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/remove_tree.h"
#include "stage0/commands.h"
#include "stage0/duration.h"
#include "stage0/image_gc.h"
#include "stage0/store/store.h"
#include "stage0/store/tree_store.h"

namespace stage0 {
namespace {

oslayer::Status print(const std::string& line) {
  return oslayer::write_all(STDOUT_FILENO, line + "\n");
}

oslayer::Result<int> run_image_rm(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  size_t removed = 0;
  int exit_code = kExitOk;
  for (const auto& arg : inv.args) {
    auto rec = store->resolve(arg);
    if (rec) {
      auto st = remove_image(*store, rec->id);
      if (st) {
        ++removed;
        if (auto p = print("successfully removed aci for image: \"" + rec->id + "\""); !p) {
          return std::move(p).error();
        }
        continue;
      }
      rec = std::move(st).error();
    }
    // Each image is reported where its error stops; the others are still removed.
    oslayer::log_error(std::move(rec).error().context("image rm: " + arg));
    exit_code = kExitFailure;
  }
  if (auto p = print("rm: " + std::to_string(removed) + " image(s) successfully removed"); !p) {
    return std::move(p).error();
  }
  return exit_code;
}

void add_gc_flags(FlagSet& flags) {
  flags.add_string("grace-period", "24h0m0s",
                   "duration to wait since an image was last used before removing it");
}

oslayer::Result<int> run_image_gc(const Invocation& inv) {
  auto grace = parse_go_duration(inv.flags.get_string("grace-period"));
  if (!grace) return std::move(grace).error().context("--grace-period");
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto report = collect_image_garbage(*store, inv.global.dir, *grace);
  if (!report) return std::move(report).error();
  for (const auto& line : report->lines) {
    if (auto p = print(line); !p) return std::move(p).error();
  }
  return report->failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace

const Command kImageRmCommand = {
    .name = "rm",
    .summary = "Remove one or more images with the given IDs or image names from the local store",
    .usage = "IMAGE...",
    .description =
        "Remove each IMAGE (an image ID, possibly abbreviated, or a name[:version])\n"
        "from the local store, with its rendered trees.",
    .min_args = 1,
    .max_args = kUnlimitedArgs,
    .add_flags = nullptr,
    .run = run_image_rm,
    .group = "image",
};

const Command kImageGcCommand = {
    .name = "gc",
    .summary = "Garbage collect local store",
    .usage = "",
    .description =
        "Remove rendered trees that no pod uses, and images not used for the grace period,\n"
        "plus any leftover of an interrupted fetch.",
    .min_args = 0,
    .max_args = 0,
    .add_flags = add_gc_flags,
    .run = run_image_gc,
    .group = "image",
};

}  // namespace stage0
