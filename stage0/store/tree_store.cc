#include "stage0/store/tree_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "oslayer/atomic_file.h"
#include "oslayer/flock.h"
#include "oslayer/log.h"
#include "oslayer/random_text.h"
#include "oslayer/remove_tree.h"
#include "stage0/aci/digest.h"
#include "stage0/aci/extract.h"
#include "stage0/aci/tree_hash.h"

namespace stage0::store {
namespace {

// Dependency chains deeper than this are a loop or an attack, not an image.
constexpr int kMaxDependencyDepth = 32;

oslayer::Status collect(Store& store, const std::string& id,
                        std::vector<std::vector<std::string>> whitelists,
                        const DependencyResolver& resolve, int depth, std::vector<Layer>& out) {
  if (depth > kMaxDependencyDepth) {
    return oslayer::Error::msg("dependencies nest deeper than " +
                               std::to_string(kMaxDependencyDepth) + " levels (a cycle?)");
  }
  auto rec = store.find_by_id(id);
  if (!rec) return std::move(rec).error();
  auto manifest = appc::decode_image_manifest(rec->manifest);
  if (!manifest) return std::move(manifest).error().context("image " + id);
  // A whitelist applies to this image and to everything it depends on.
  if (!manifest->path_whitelist.empty()) whitelists.push_back(manifest->path_whitelist);
  for (const auto& dep : manifest->dependencies) {
    auto dep_id = resolve(dep);
    if (!dep_id) {
      return std::move(dep_id).error().context("dependency " + dep.image_name.str() + " of " +
                                               manifest->name.str());
    }
    if (dep.image_id && !dep.image_id->is_prefix_of(*appc::ImageId::parse(*dep_id))) {
      return oslayer::Error::msg("dependency " + dep.image_name.str() + " resolved to " + *dep_id +
                                 ", not the required " + dep.image_id->str());
    }
    if (auto st = collect(store, *dep_id, whitelists, resolve, depth + 1, out); !st) return st;
  }
  out.push_back(Layer{id, std::move(whitelists)});
  return oslayer::ok();
}

bool is_rendered(int cas, const std::string& tree_id) {
  struct stat st {};
  return ::fstatat(cas, ("tree/" + tree_id + "/rendered").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

oslayer::Status fsync_dir(int dir, const std::string& path) {
  auto fd = oslayer::open_at(dir, path, O_RDONLY | O_DIRECTORY);
  if (!fd) return std::move(fd).error();
  if (::fsync(fd->get()) < 0) return oslayer::Error::sys(errno, "fsync " + path);
  return oslayer::ok();
}

// Makes tree/.tmp-*/rootfs for a render; returns "tree/.tmp-*".
oslayer::Result<std::string> make_temp_tree(int cas) {
  auto suffix = oslayer::random_text(12, "0123456789abcdef");
  if (!suffix) return std::move(suffix).error();
  std::string tmp = "tree/.tmp-" + *suffix;
  if (::mkdirat(cas, tmp.c_str(), 0755) < 0) return oslayer::Error::sys(errno, "creating " + tmp);
  if (::mkdirat(cas, (tmp + "/rootfs").c_str(), 0755) < 0) {
    int err = errno;
    (void)oslayer::remove_tree(cas, tmp);
    return oslayer::Error::sys(err, "creating rootfs");
  }
  return tmp;
}

// Hashes the extracted tree in `tmp`, records what it is, makes it durable and renames it to
// tree/<tree_id>, marker last; the caller holds the tree's lock. `tmp` is removed on failure.
oslayer::Status finish_into_place(Store& store, const std::string& tree_id, const std::string& tmp,
                                  const std::string& top_image_id) {
  int cas = store.cas_fd();
  auto cleanup = [&](oslayer::Error e) {
    // The temp tree is useless after a failure; a leftover would only cost disk.
    (void)oslayer::remove_tree(cas, tmp);
    return e;
  };
  auto rootfs = oslayer::open_at(cas, tmp + "/rootfs", O_RDONLY | O_DIRECTORY);
  if (!rootfs) return cleanup(std::move(rootfs).error());
  auto top = store.find_by_id(top_image_id);
  if (!top) return cleanup(std::move(top).error());
  auto hash = aci::hash_tree(rootfs->get());
  if (!hash) return cleanup(std::move(hash).error().context("hashing the tree"));
  auto dir = oslayer::open_at(cas, tmp, O_RDONLY | O_DIRECTORY);
  if (!dir) return cleanup(std::move(dir).error());
  for (const auto& [name, content] :
       {std::pair<std::string, std::string>{"manifest", top->manifest},
        {"image", top_image_id},
        {"hash", *hash}}) {
    if (auto st = oslayer::write_file_atomic(dir->get(), name, content, 0644); !st) {
      return cleanup(std::move(st).error());
    }
  }
  // The extracted files must be on disk before the marker claims the tree is complete.
  if (::syncfs(rootfs->get()) < 0) return cleanup(oslayer::Error::sys(errno, "syncfs"));
  std::string final_path = "tree/" + tree_id;
  // A dir without a marker is a crashed render: remove it before taking its name.
  if (auto st = oslayer::remove_tree(cas, final_path); !st) return cleanup(std::move(st).error());
  if (::renameat(cas, tmp.c_str(), cas, final_path.c_str()) < 0) {
    return cleanup(oslayer::Error::sys(errno, "renaming the tree into place"));
  }
  auto final_dir = oslayer::open_at(cas, final_path, O_RDONLY | O_DIRECTORY);
  if (!final_dir) return std::move(final_dir).error();
  if (auto st = oslayer::write_file_atomic(final_dir->get(), "rendered", "", 0644); !st) return st;
  return fsync_dir(cas, "tree");
}

// Renders into tree/.tmp-*, then renames into place; the caller holds the tree's lock.
oslayer::Status render_into_place(Store& store, const std::string& tree_id,
                                  const std::vector<Layer>& layers) {
  int cas = store.cas_fd();
  auto tmp = make_temp_tree(cas);
  if (!tmp) return std::move(tmp).error();
  auto cleanup = [&](oslayer::Error e) {
    (void)oslayer::remove_tree(cas, *tmp);
    return e;
  };
  auto rootfs = oslayer::open_at(cas, *tmp + "/rootfs", O_RDONLY | O_DIRECTORY);
  if (!rootfs) return cleanup(std::move(rootfs).error());
  for (const auto& layer : layers) {
    auto blob = store.open_blob(layer.image_id);
    if (!blob) return cleanup(std::move(blob).error());
    aci::ExtractOptions options;
    options.whitelists = &layer.whitelists;
    if (auto st = aci::extract(blob->get(), rootfs->get(), options); !st) {
      return cleanup(std::move(st).error().context("extracting " + layer.image_id));
    }
  }
  return finish_into_place(store, tree_id, *tmp, layers.back().image_id);
}

}  // namespace

oslayer::Result<std::vector<Layer>> resolve_layers(Store& store, const std::string& image_id,
                                                   const DependencyResolver& resolve) {
  std::vector<Layer> layers;
  if (auto st = collect(store, image_id, {}, resolve, 0, layers); !st) return std::move(st).error();
  return layers;
}

oslayer::Result<Tree> render_tree(Store& store, const std::string& image_id,
                                  const DependencyResolver& resolve, SpeculativeTree* speculative) {
  auto fail = [&](oslayer::Error e) {
    return std::move(e).context("rendering the tree of " + image_id);
  };
  auto layers = resolve_layers(store, image_id, resolve);
  if (!layers) return fail(std::move(layers).error());
  aci::Sha512 h;
  for (size_t i = 0; i < layers->size(); ++i) {
    if (i > 0) h.update(",");
    h.update((*layers)[i].image_id);
  }
  std::string tree_id = "deps-sha512-" + h.hex_final();
  Tree tree{tree_id, store.cas_dir() + "/tree/" + tree_id};
  if (is_rendered(store.cas_fd(), tree_id)) return tree;
  auto lock = oslayer::lock_path(store.cas_fd(), "treelocks/" + tree_id,
                                 oslayer::LockMode::kExclusive, oslayer::LockWait::kBlock);
  if (!lock) return fail(std::move(lock).error());
  // Another process may have rendered it while we waited for the lock.
  if (is_rendered(store.cas_fd(), tree_id)) return tree;
  // The tree extracted during the import is the whole render when the image is one layer that
  // no whitelist filters; if anything is wrong with it, the render starts over from the blob.
  if (speculative != nullptr && layers->size() == 1 && layers->front().whitelists.empty() &&
      layers->front().image_id == image_id) {
    auto tmp = speculative->take();
    auto st = tmp ? finish_into_place(store, tree_id, *tmp, image_id) : tmp.error();
    if (st) return tree;
    oslayer::log_debug("image: the tree extracted during the import is not used (" +
                       st.error().text() + "); extracting it from the store");
  }
  if (auto st = render_into_place(store, tree_id, *layers); !st) {
    // A refused image must leave the store as it was, lock file included. Unlinked while still
    // held, as remove_tree_dir does: a waiter then retries on a tree that is not rendered.
    (void)::unlinkat(store.cas_fd(), ("treelocks/" + tree_id).c_str(), 0);
    return fail(std::move(st).error());
  }
  return tree;
}

oslayer::Status verify_tree(Store& store, const std::string& tree_id) {
  int cas = store.cas_fd();
  if (!is_rendered(cas, tree_id)) {
    return oslayer::Error::msg("tree " + tree_id + " is not completely rendered");
  }
  auto recorded = oslayer::read_file(store.cas_dir() + "/tree/" + tree_id + "/hash", 1024);
  if (!recorded) return std::move(recorded).error();
  auto rootfs = oslayer::open_at(cas, "tree/" + tree_id + "/rootfs", O_RDONLY | O_DIRECTORY);
  if (!rootfs) return std::move(rootfs).error();
  // A tree keeps the hash version it was rendered with.
  auto actual = aci::hash_tree(rootfs->get(), aci::tree_hash_version(*recorded));
  if (!actual) return std::move(actual).error();
  if (*actual != *recorded) {
    return oslayer::Error::msg("tree " + tree_id + " was modified after it was rendered");
  }
  return oslayer::ok();
}

oslayer::Result<std::vector<std::string>> trees_of_image(Store& store,
                                                         const std::string& image_id) {
  std::vector<std::string> out;
  auto dir = oslayer::open_at(store.cas_fd(), "tree", O_RDONLY | O_DIRECTORY);
  if (!dir) return std::move(dir).error();
  DIR* d = ::fdopendir(dir->release());
  if (d == nullptr) return oslayer::Error::sys(errno, "reading the tree store");
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind("deps-", 0) == 0) names.push_back(n);
  }
  ::closedir(d);
  for (const auto& n : names) {
    auto image = oslayer::read_file(store.cas_dir() + "/tree/" + n + "/image", 1024);
    if (image && *image == image_id) out.push_back(n);
  }
  return out;
}

oslayer::Status remove_tree_dir(Store& store, const std::string& tree_id) {
  auto lock = oslayer::lock_path(store.cas_fd(), "treelocks/" + tree_id,
                                 oslayer::LockMode::kExclusive, oslayer::LockWait::kBlock);
  if (!lock) return std::move(lock).error();
  std::string path = "tree/" + tree_id;
  // The marker goes first, so a crash mid-removal leaves an incomplete tree, never a wrong one.
  if (::unlinkat(store.cas_fd(), (path + "/rendered").c_str(), 0) < 0 && errno != ENOENT) {
    return oslayer::Error::sys(errno, "removing the marker of " + tree_id);
  }
  if (auto st = oslayer::remove_tree(store.cas_fd(), path); !st) return st;
  (void)::unlinkat(store.cas_fd(), ("treelocks/" + tree_id).c_str(), 0);
  return oslayer::ok();
}

DependencyResolver store_only_resolver(Store& store) {
  return [&store](const appc::Dependency& dep) -> oslayer::Result<std::string> {
    if (dep.image_id) {
      auto rec = store.find_by_id(dep.image_id->str());
      if (!rec) return std::move(rec).error();
      return rec->id;
    }
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& l : dep.labels) labels.emplace_back(l.name.str(), l.value);
    auto rec = store.find_by_name(dep.image_name.str(), labels);
    if (!rec) return std::move(rec).error();
    if (!*rec) {
      return oslayer::Error::msg("image " + dep.image_name.str() + " is not in the store");
    }
    return (*rec)->id;
  };
}

std::unique_ptr<SpeculativeTree> SpeculativeTree::start(Store& store, int tar_fd) {
  auto fail = [](const oslayer::Error& e) {
    oslayer::log_debug("image: the tree is extracted after the import: " + e.text());
    return nullptr;
  };
  oslayer::Fd tar(::fcntl(tar_fd, F_DUPFD_CLOEXEC, 0));
  if (!tar.valid()) return fail(oslayer::Error::sys(errno, "dup"));
  auto tmp = make_temp_tree(store.cas_fd());
  if (!tmp) return fail(tmp.error());
  std::unique_ptr<SpeculativeTree> t(
      new SpeculativeTree(store.cas_fd(), std::move(*tmp), std::move(tar)));
  auto rootfs = oslayer::open_at(t->cas_, t->tmp_ + "/rootfs", O_RDONLY | O_DIRECTORY);
  if (!rootfs) return fail(rootfs.error());
  // std::thread reports a failed pthread_create by throwing; our code throws nothing.
  try {
    t->thread_ = std::thread([raw = t.get(), root = std::move(*rootfs)] {
      aci::ExtractOptions options;
      options.growing = &raw->growing_;
      raw->result_ = aci::extract(raw->tar_.get(), root.get(), options);
    });
  } catch (const std::system_error& e) {
    return fail(oslayer::Error::sys(e.code().value(), "starting the extraction thread"));
  }
  return t;
}

SpeculativeTree::~SpeculativeTree() {
  if (thread_.joinable()) {
    growing_.abandon();  // a wait for bytes that will never come ends now
    thread_.join();
  }
  if (!adopted_) (void)oslayer::remove_tree(cas_, tmp_);
}

oslayer::Result<PendingImage> stage_with_tree(Store& store, int source_fd,
                                              std::unique_ptr<SpeculativeTree>& tree) {
  return store.stage(source_fd, Store::kDefaultMaxImageSize, [&](int tmp_fd) {
    tree = SpeculativeTree::start(store, tmp_fd);
    return tree ? &tree->growing() : nullptr;
  });
}

oslayer::Result<std::string> SpeculativeTree::take() {
  if (thread_.joinable()) thread_.join();
  if (!result_) return std::move(result_).error().context("extracting during the import");
  adopted_ = true;
  return tmp_;
}

}  // namespace stage0::store
