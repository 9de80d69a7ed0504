// The content-addressed image store under <dir>/cas/: each image kept once, as its uncompressed
// ACI tar, named by its image ID, with an SQLite index of names, labels, times, sizes and
// remote-cache facts.
//
// Crash safety: a blob is written to cas/tmp, fsync'ed and renamed into cas/blob; only then is
// its index row committed. A crash leaves either the whole image or an orphan temp file/blob
// that no listing shows and `image gc` removes. Removal deletes the row first, then the blob.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/flock.h"
#include "oslayer/result.h"
#include "stage0/aci/growing_file.h"
#include "stage0/store/db.h"

namespace stage0::store {

struct ImageRecord {
  std::string id;  // sha512- + 128 hex
  std::string name;
  std::string labels_json;  // the manifest's labels, as JSON
  int64_t import_time_ns = 0;
  int64_t last_used_ns = 0;
  uint64_t size = 0;     // bytes of the uncompressed ACI
  std::string manifest;  // the image manifest JSON, as in the archive
};

struct RemoteRecord {
  std::string aci_url;
  std::string sig_url;
  std::string etag;
  std::string image_id;
  int64_t max_age_s = 0;  // Cache-Control max-age; 0: revalidate every time
  int64_t download_time_ns = 0;
};

// A local file as an earlier import saw it. A file that still has the same device, inode, size,
// mtime and ctime has not been written, replaced or truncated since (each of these moves its
// ctime, which no caller can set), so its image ID is known without reading it again.
struct LocalFileRecord {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  std::string image_id;
};

// An image decompressed into the store's temp dir and hashed, not yet visible. Dropping it
// removes the temp file; Store::commit makes it an image.
class PendingImage {
 public:
  PendingImage(PendingImage&&) noexcept = default;
  PendingImage& operator=(PendingImage&&) = delete;
  ~PendingImage();

  const std::string& id() const { return id_; }
  uint64_t size() const { return size_; }
  const appc::ImageManifest& manifest() const { return *manifest_; }
  const std::string& raw_manifest() const { return raw_manifest_; }
  // The uncompressed tar, readable from offset 0 (with pread).
  int fd() const { return fd_.get(); }

 private:
  friend class Store;
  PendingImage() = default;
  int tmp_dir_ = -1;
  std::string tmp_name_;
  oslayer::Fd fd_;
  std::string id_;
  uint64_t size_ = 0;
  std::optional<appc::ImageManifest> manifest_;  // always set once stage() returns
  std::string raw_manifest_;
};

class Store {
 public:
  // The limit on an image's uncompressed size unless the caller says otherwise: far above any
  // real image, low enough that a decompression bomb cannot fill a disk.
  static constexpr uint64_t kDefaultMaxImageSize = 16ull << 30;

  // Opens <data_dir>/cas, creating it. Holds a shared lock on cas/ for the Store's life.
  static oslayer::Result<Store> open(const std::string& data_dir);

  // Decompresses and hashes the ACI readable from `source_fd` into a temp file, and reads and
  // validates its manifest. With `follow`, a reader of the temp file is started before anything
  // is written to it: `follow` gets the file and returns where to announce each block as it is
  // written (or nullptr), which stage() then finishes (the tar is whole) or abandons (the import
  // failed) before reading the manifest back. See SpeculativeTree.
  using Follower = std::function<aci::GrowingFile*(int tmp_fd)>;
  oslayer::Result<PendingImage> stage(int source_fd, uint64_t max_size = kDefaultMaxImageSize,
                                      const Follower& follow = {});
  // Moves the blob into place (keeping an existing identical one) and records it. Idempotent:
  // committing an image that is already stored only refreshes its record.
  oslayer::Result<ImageRecord> commit(PendingImage&& image);

  // Every image whose blob is present, oldest import first.
  oslayer::Result<std::vector<ImageRecord>> list();
  // By full or abbreviated ID ("sha512-1a2b"); ambiguity is an error naming the candidates.
  oslayer::Result<ImageRecord> find_by_id(std::string_view id_or_prefix);
  // The latest import with this name whose labels include every one of `labels`.
  oslayer::Result<std::optional<ImageRecord>> find_by_name(
      const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels);
  // An ID, or a name[:version] (the latest import), as rkt's image commands accept.
  oslayer::Result<ImageRecord> resolve(std::string_view id_or_name);

  // The uncompressed ACI, read-only.
  oslayer::Result<oslayer::Fd> open_blob(const std::string& id);
  oslayer::Status touch(const std::string& id);
  // Removes the image's record, its blob and its rendered trees.
  oslayer::Status remove(const std::string& id);

  oslayer::Result<std::optional<RemoteRecord>> find_remote(const std::string& aci_url);
  oslayer::Status save_remote(const RemoteRecord& remote);

  // The image imported from a local file that matches `file` in every field but image_id.
  oslayer::Result<std::optional<std::string>> find_local_file(const LocalFileRecord& file);
  oslayer::Status save_local_file(const LocalFileRecord& file);

  const std::string& cas_dir() const { return cas_path_; }
  int cas_fd() const { return cas_.get(); }
  Db& db() { return db_; }

 private:
  Store(std::string cas_path, oslayer::Fd cas, oslayer::FileLock lock, Db db)
      : cas_path_(std::move(cas_path)),
        cas_(std::move(cas)),
        lock_(std::move(lock)),
        db_(std::move(db)) {}
  oslayer::Status migrate();

  std::string cas_path_;
  oslayer::Fd cas_;
  oslayer::FileLock lock_;
  Db db_;
};

// "sha512-<128 hex>" -> "blob/sha512/<2 hex>/sha512-<128 hex>", relative to cas/.
std::string blob_path(const std::string& id);

}  // namespace stage0::store
