// The image commands that hand out an image's content: export (the ACI), extract (its own
// files), render (with dependencies, as a pod sees it), cat-manifest.
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "oslayer/atomic_file.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/remove_tree.h"
#include "stage0/aci/extract.h"
#include "stage0/commands.h"
#include "stage0/store/store.h"
#include "stage0/store/tree_store.h"

namespace stage0 {
namespace {

void add_overwrite(FlagSet& flags) {
  flags.add_bool("overwrite", false, "overwrite the output if it exists");
}

void add_extract_flags(FlagSet& flags) {
  add_overwrite(flags);
  flags.add_bool("rootfs-only", false, "extract the rootfs only, without the manifest");
}

oslayer::Result<int> run_export(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto rec = store->resolve(inv.args[0]);
  if (!rec) return std::move(rec).error();
  const std::string& out = inv.args[1];
  struct stat st {};
  if (!inv.flags.get_bool("overwrite") && ::lstat(out.c_str(), &st) == 0) {
    return oslayer::Error::msg(out + " exists; use --overwrite to replace it");
  }
  auto blob = store->open_blob(rec->id);
  if (!blob) return std::move(blob).error();
  // Written next to the target and renamed over it, so a failure leaves no half-written ACI.
  std::string tmp = out + ".rkt-export-tmp";
  auto fd = oslayer::open_path(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
  if (!fd) return std::move(fd).error();
  auto fail = [&](oslayer::Error e) -> oslayer::Result<int> {
    (void)::unlink(tmp.c_str());
    return std::move(e).context("exporting " + rec->id + " to " + out);
  };
  off_t offset = 0;
  for (uint64_t left = rec->size; left > 0;) {
    ssize_t n = ::sendfile(fd->get(), blob->get(), &offset, left > (1u << 30) ? (1u << 30) : left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(oslayer::Error::sys(n < 0 ? errno : EIO, "copying"));
    left -= static_cast<uint64_t>(n);
  }
  if (::fsync(fd->get()) < 0) return fail(oslayer::Error::sys(errno, "fsync"));
  if (::rename(tmp.c_str(), out.c_str()) < 0) return fail(oslayer::Error::sys(errno, "rename"));
  return kExitOk;
}

// Prepares an empty output directory: missing is created, existing needs --overwrite.
oslayer::Result<oslayer::Fd> output_dir(const std::string& path, bool overwrite) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!overwrite) return oslayer::Error::msg(path + " exists; use --overwrite to replace it");
    if (auto s = oslayer::remove_tree(AT_FDCWD, path); !s) return std::move(s).error();
  }
  if (::mkdir(path.c_str(), 0755) < 0) return oslayer::Error::sys(errno, "creating " + path);
  return oslayer::open_path(path, O_RDONLY | O_DIRECTORY);
}

// Extracts the given layers into DIR (rootfs-only) or DIR/rootfs plus DIR/manifest.
oslayer::Result<int> write_layers(store::Store& store, const std::vector<store::Layer>& layers,
                                  const Invocation& inv) {
  const std::string& path = inv.args[1];
  auto dir = output_dir(path, inv.flags.get_bool("overwrite"));
  if (!dir) return std::move(dir).error();
  auto fail = [&](oslayer::Error e) -> oslayer::Result<int> {
    // A half-extracted directory is worse than none.
    (void)oslayer::remove_tree(AT_FDCWD, path);
    return e;
  };
  bool rootfs_only = inv.flags.get_bool("rootfs-only");
  oslayer::Fd target;
  if (rootfs_only) {
    target = std::move(*dir);
  } else {
    if (::mkdirat(dir->get(), "rootfs", 0755) < 0) {
      return fail(oslayer::Error::sys(errno, "creating rootfs"));
    }
    auto r = oslayer::open_at(dir->get(), "rootfs", O_RDONLY | O_DIRECTORY);
    if (!r) return fail(std::move(r).error());
    target = std::move(*r);
    auto top = store.find_by_id(layers.back().image_id);
    if (!top) return fail(std::move(top).error());
    if (auto st = oslayer::write_file_atomic(dir->get(), "manifest", top->manifest, 0644); !st) {
      return fail(std::move(st).error());
    }
  }
  for (const auto& layer : layers) {
    auto blob = store.open_blob(layer.image_id);
    if (!blob) return fail(std::move(blob).error());
    aci::ExtractOptions options;
    options.whitelists = &layer.whitelists;
    if (auto st = aci::extract(blob->get(), target.get(), options); !st) {
      return fail(std::move(st).error());
    }
  }
  return kExitOk;
}

oslayer::Result<int> run_extract(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto rec = store->resolve(inv.args[0]);
  if (!rec) return std::move(rec).error();
  // This image's own files only; its dependencies are not applied.
  return write_layers(*store, {store::Layer{rec->id, {}}}, inv);
}

oslayer::Result<int> run_render(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto rec = store->resolve(inv.args[0]);
  if (!rec) return std::move(rec).error();
  auto layers = store::resolve_layers(*store, rec->id, store::store_only_resolver(*store));
  if (!layers) return std::move(layers).error();
  return write_layers(*store, *layers, inv);
}

void add_cat_flags(FlagSet& flags) {
  flags.add_bool("pretty-print", false, "apply indent to format the output");
}

oslayer::Result<int> run_cat_manifest(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto rec = store->resolve(inv.args[0]);
  if (!rec) return std::move(rec).error();
  std::string out = rec->manifest;
  if (inv.flags.get_bool("pretty-print")) {
    auto doc = nlohmann::ordered_json::parse(out, nullptr, false);
    if (!doc.is_discarded()) out = doc.dump(4);
  }
  if (out.empty() || out.back() != '\n') out += '\n';
  if (auto st = oslayer::write_all(STDOUT_FILENO, out); !st) return std::move(st).error();
  return kExitOk;
}

oslayer::Result<int> run_verify(const Invocation& inv) {
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  int exit_code = kExitOk;
  for (const auto& arg : inv.args) {
    auto rec = store->resolve(arg);
    oslayer::Status st = rec ? oslayer::ok() : oslayer::Status(std::move(rec).error());
    if (st) {
      // Render first if needed: what pods use is the rendered tree, so that is what is checked.
      auto tree = store::render_tree(*store, rec->id, store::store_only_resolver(*store));
      st = tree ? store::verify_tree(*store, tree->id) : oslayer::Status(std::move(tree).error());
    }
    if (!st) {
      oslayer::log_error(std::move(st).error().context("image verify: " + arg));
      exit_code = kExitFailure;
      continue;
    }
    if (auto p = oslayer::write_all(
            STDOUT_FILENO, "successfully verified checksum for image: \"" + rec->id + "\"\n");
        !p) {
      return std::move(p).error();
    }
  }
  return exit_code;
}

}  // namespace

const Command kImageExportCommand = {
    .name = "export",
    .summary = "Export a stored image to an ACI file",
    .usage = "IMAGE OUTPUT_ACI_FILE",
    .description = "Write IMAGE, as stored (an uncompressed ACI), to OUTPUT_ACI_FILE.",
    .min_args = 2,
    .max_args = 2,
    .add_flags = add_overwrite,
    .run = run_export,
    .group = "image",
};

const Command kImageExtractCommand = {
    .name = "extract",
    .summary = "Extract a stored image to a directory",
    .usage = "IMAGE OUTPUT_DIR",
    .description = "Extract IMAGE's own files (not its dependencies) into OUTPUT_DIR.",
    .min_args = 2,
    .max_args = 2,
    .add_flags = add_extract_flags,
    .run = run_extract,
    .group = "image",
};

const Command kImageRenderCommand = {
    .name = "render",
    .summary = "Render a stored image to a directory with all its dependencies",
    .usage = "IMAGE OUTPUT_DIR",
    .description = "Render IMAGE with its dependencies into OUTPUT_DIR, as a pod would see it.",
    .min_args = 2,
    .max_args = 2,
    .add_flags = add_extract_flags,
    .run = run_render,
    .group = "image",
};

const Command kImageCatManifestCommand = {
    .name = "cat-manifest",
    .summary = "Inspect and print the image manifest",
    .usage = "IMAGE",
    .description = "Print the manifest of IMAGE (an image ID or a name[:version]).",
    .min_args = 1,
    .max_args = 1,
    .add_flags = add_cat_flags,
    .run = run_cat_manifest,
    .group = "image",
};

const Command kImageVerifyCommand = {
    .name = "verify",
    .summary = "Verify one or more rendered images in the local store",
    .usage = "IMAGE...",
    .description =
        "Re-hash the rendered tree of each IMAGE and compare it with the hash recorded when it\n"
        "was rendered, to detect tampering with the files pods are started from.",
    .min_args = 1,
    .max_args = kUnlimitedArgs,
    .add_flags = nullptr,
    .run = run_verify,
    .group = "image",
};

}  // namespace stage0
