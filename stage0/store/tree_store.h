// Rendered image trees under <dir>/cas/tree/<tree id>/: the rootfs of an image with its
// dependencies applied, for pods to use as overlay lower layers.
//
// A tree is complete only when its `rendered` marker exists; the marker is written last, after
// the tree and its content hash are durable, so a half-rendered tree is never used.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/result.h"
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

// Renders (or finds already rendered) the tree of `image_id`.
oslayer::Result<Tree> render_tree(Store& store, const std::string& image_id,
                                  const DependencyResolver& resolve);

// Recomputes the tree's content hash and compares it with the one recorded at render time.
oslayer::Status verify_tree(Store& store, const std::string& tree_id);

// The trees rendered from `image_id` (as the top image).
oslayer::Result<std::vector<std::string>> trees_of_image(Store& store, const std::string& image_id);
oslayer::Status remove_tree_dir(Store& store, const std::string& tree_id);

// A resolver for images that must already be in the store: by ID, or by name and labels.
DependencyResolver store_only_resolver(Store& store);

}  // namespace stage0::store
