#include "stage0/run/stage1_select.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>

#include "appc-spec/image_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/image_fetch.h"
#include "stage0/run/stage1_location.h"
#include "stage0/store/tree_store.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;

constexpr const char* kStage1Flags[] = {"stage1-path", "stage1-url", "stage1-name", "stage1-hash",
                                        "stage1-from-dir"};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A stage1 trusted by where it lies: imported without a signature check. The store's
// local-file record (the one `rkt fetch` keeps) makes a repeated import of an unchanged file
// cost a stat instead of a decompression and a hash.
Result<std::string> import_trusted_file(store::Store& store, const std::string& path) {
  const int64_t start_ns = now_ns();
  auto fd = oslayer::open_path(path, O_RDONLY);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "stat " + path);
  constexpr int64_t kNs = 1000000000;
  store::LocalFileRecord file{static_cast<uint64_t>(st.st_dev),
                              static_cast<uint64_t>(st.st_ino),
                              static_cast<uint64_t>(st.st_size),
                              st.st_mtim.tv_sec * kNs + st.st_mtim.tv_nsec,
                              st.st_ctim.tv_sec * kNs + st.st_ctim.tv_nsec,
                              {}};
  auto known = store.find_local_file(file);
  if (!known) return std::move(known).error();
  if (*known) {
    if (auto rec = store.find_by_id(**known)) {
      oslayer::log_debug("stage1: " + path + " is unchanged since its import as " + rec->id);
      return rec->id;
    }
  }
  auto pending = store.stage(fd->get());
  if (!pending) return std::move(pending).error();
  auto rec = store.commit(std::move(*pending));
  if (!rec) return std::move(rec).error();
  // As in image_fetch.cc: a file changed within a clock tick of our read is not remembered.
  if (file.ctime_ns < start_ns - kNs) {
    file.image_id = rec->id;
    (void)store.save_local_file(file);  // only a cache: failing to save it loses nothing else
  }
  return rec->id;
}

Result<Stage1Image> finish(store::Store& store, const std::string& id, const std::string& from) {
  auto rec = store.find_by_id(id);
  if (!rec) return std::move(rec).error();
  auto m = appc::decode_image_manifest(rec->manifest);
  if (!m) return std::move(m).error().context("stage1 " + from);
  if (!appc::find_annotation(m->annotations, "coreos.com/rkt/stage1/run")) {
    return Error::msg("stage1 " + from + " (" + m->name.str() + ") does not implement run");
  }
  auto tree = store::render_tree(store, rec->id, store::store_only_resolver(store));
  if (!tree) return std::move(tree).error().context("rendering stage1 " + from);
  return Stage1Image{rec->id, tree->id, rec->manifest};
}

Result<Stage1Image> trusted(store::Store& store, const std::string& path) {
  auto id = import_trusted_file(store, path);
  if (!id) return std::move(id).error().context("importing stage1 " + path);
  return finish(store, *id, path);
}

}  // namespace

void add_stage1_flags(FlagSet& f) {
  f.add_string("stage1-path", "", "a stage1 image file (its signature is checked)");
  f.add_string("stage1-url", "", "a stage1 image URL (http, https, file)");
  f.add_string("stage1-name", "", "a stage1 image name (store, then discovery)");
  f.add_string("stage1-hash", "", "a stage1 image ID already in the store");
  f.add_string("stage1-from-dir", "",
               "a stage1 image file name in the stage1 images directory (trusted)");
}

Result<Stage1Image> select_stage1(store::Store& store, const GlobalConfig& global,
                                  const FlagValues& flags) {
  std::string chosen;
  for (const char* name : kStage1Flags) {
    if (flags.get_string(name).empty()) continue;
    if (!chosen.empty()) {
      return Error::msg("--" + chosen + " and --" + name + " both choose a stage1; give one");
    }
    chosen = name;
  }
  if (!chosen.empty()) {
    const std::string& value = flags.get_string(chosen);
    if (chosen == "stage1-hash") {
      auto rec = store.find_by_id(value);
      if (!rec) return std::move(rec).error().context("--stage1-hash");
      return finish(store, rec->id, value);
    }
    if (chosen == "stage1-from-dir") {
      if (value.find('/') != std::string::npos) {
        return Error::msg("--stage1-from-dir takes a file name, not a path: " + value);
      }
      return trusted(store, stage1_images_dir() + "/" + value);
    }
    // An image the user names is checked like any other image.
    FetchOptions options;
    options.policy = PullPolicy::kNew;
    auto id = fetch_image(store, global, value, options);
    if (!id) return std::move(id).error().context("--" + chosen);
    return finish(store, *id, value);
  }
  std::string looked;
  for (const std::string& path : default_stage1_candidates()) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return trusted(store, path);
    looked += (looked.empty() ? "" : ", ") + path;
  }
  return Error::msg("no stage1 image found (looked for " + looked +
                    "); give one with --stage1-path");
}

}  // namespace stage0::run
