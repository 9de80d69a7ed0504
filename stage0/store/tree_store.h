// Rendered image trees under <dir>/cas/tree/<tree id>/: the rootfs of an image with its
// dependencies applied, for pods to use as overlay lower layers.
//
// A tree is complete only when its `rendered` marker exists; the marker is written last, after
// the tree and its content hash are durable, so a half-rendered tree is never used.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/result.h"
#include "stage0/aci/growing_file.h"
#include "stage0/store/store.h"

namespace stage0::store {

struct Tree {
  std::string id;    // "deps-sha512-<hex>": the image and its resolved dependencies
  std::string path;  // absolute path of the tree dir (rootfs/ and manifest inside)
};

// Finds (or fetches) a dependency; returns the ID of an image now in the store.
using DependencyResolver = std::function<oslayer::Result<std::string>(const appc::Dependency&)>;

// The images to layer, bottom first, in the spec's depth-first order (dependencies in listed
// order, then the image), each with the whitelists that apply to its entries.
struct Layer {
  std::string image_id;
  std::vector<std::vector<std::string>> whitelists;
};
oslayer::Result<std::vector<Layer>> resolve_layers(Store& store, const std::string& image_id,
                                                   const DependencyResolver& resolve);

// A tree extracted from an image's tar while the import is still writing it (Store::stage's
// GrowingFile), before anyone knows whether the image will be kept or what it depends on: the
// tar is then read right behind the writer, from the page cache, and the tree is ready about
// when the import is, instead of being extracted after it. render_tree adopts it when the
// image is a single layer that no whitelist filters (the common case); otherwise, or when the
// extraction failed (a hostile entry: render_tree then meets it again and reports it as ever),
// it is thrown away.
class SpeculativeTree {
 public:
  // Starts extracting the tar in `tar_fd` (duplicated) into tree/.tmp-* on a thread of its own,
  // reading it as growing() says it grows. nullptr (and a debug line) when it cannot start: the
  // render then goes as without it.
  static std::unique_ptr<SpeculativeTree> start(Store& store, int tar_fd);
  // Abandons growing() (a wait for more bytes ends), joins the thread, and removes the
  // directory unless render_tree adopted it.
  ~SpeculativeTree();
  SpeculativeTree(const SpeculativeTree&) = delete;
  SpeculativeTree& operator=(const SpeculativeTree&) = delete;

  // Where the writer of the tar announces its progress.
  aci::GrowingFile& growing() { return growing_; }

  // Waits for the extraction; the directory ("tree/.tmp-*", relative to cas/) once it has
  // succeeded, which is then the caller's.
  oslayer::Result<std::string> take();

 private:
  SpeculativeTree(int cas, std::string tmp, oslayer::Fd tar)
      : cas_(cas), tmp_(std::move(tmp)), tar_(std::move(tar)) {}

  const int cas_;
  const std::string tmp_;
  const oslayer::Fd tar_;
  aci::GrowingFile growing_;
  oslayer::Status result_ = oslayer::Error::msg("the extraction did not run");
  bool adopted_ = false;
  std::thread thread_;
};

// Store::stage with a SpeculativeTree following the import; `tree` is set to it (nullptr when
// it could not start), for render_tree.
oslayer::Result<PendingImage> stage_with_tree(Store& store, int source_fd,
                                              std::unique_ptr<SpeculativeTree>& tree);

// Renders (or finds already rendered) the tree of `image_id`, adopting `speculative` when it
// fits (see SpeculativeTree).
oslayer::Result<Tree> render_tree(Store& store, const std::string& image_id,
                                  const DependencyResolver& resolve,
                                  SpeculativeTree* speculative = nullptr);

// Recomputes the tree's content hash and compares it with the one recorded at render time.
oslayer::Status verify_tree(Store& store, const std::string& tree_id);

// The trees rendered from `image_id` (as the top image).
oslayer::Result<std::vector<std::string>> trees_of_image(Store& store, const std::string& image_id);
oslayer::Status remove_tree_dir(Store& store, const std::string& tree_id);

// A resolver for images that must already be in the store: by ID, or by name and labels.
DependencyResolver store_only_resolver(Store& store);

}  // namespace stage0::store
