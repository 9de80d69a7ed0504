// Getting an image into the store: stage (decompress, hash and validate into an unnamed temp
// file), then commit (give the file its name, then record it).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>

#include "stage0/aci/archive.h"
#include "stage0/aci/decompress.h"
#include "stage0/store/store.h"

namespace stage0::store {
namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string labels_json(const appc::ImageManifest& m) {
  nlohmann::ordered_json labels = nlohmann::ordered_json::array();
  for (const auto& l : m.labels) labels.push_back({{"name", l.name.str()}, {"value", l.value}});
  return labels.dump();
}

}  // namespace

PendingImage::~PendingImage() = default;

oslayer::Result<PendingImage> Store::stage(int source_fd, uint64_t max_size,
                                           const Follower& follow) {
  auto fail = [](oslayer::Error e) { return std::move(e).context("importing the image"); };
  // O_TMPFILE: the file has no name until commit links it in, so a crash at any point before
  // that leaves nothing behind, not even a temp file to clean.
  auto tmp = oslayer::open_at(cas_.get(), "tmp", O_TMPFILE | O_RDWR, 0644);
  if (!tmp) return fail(std::move(tmp).error());
  aci::GrowingFile* growing = follow ? follow(tmp->get()) : nullptr;
  auto decompressed = aci::decompress_to(source_fd, tmp->get(), max_size, growing);
  if (growing != nullptr) {
    if (decompressed) {
      growing->finish();
    } else {
      growing->abandon();
    }
  }
  if (!decompressed) return fail(std::move(decompressed).error());
  auto manifest = aci::read_manifest(tmp->get());
  if (!manifest) return fail(std::move(manifest).error());
  PendingImage p;
  p.fd_ = std::move(*tmp);
  p.id_ = decompressed->image_id;
  p.size_ = decompressed->size;
  p.raw_manifest_ = std::move(manifest->raw);
  p.manifest_ = std::move(manifest->manifest);
  return p;
}

oslayer::Result<ImageRecord> Store::commit(PendingImage&& image) {
  auto fail = [&](oslayer::Error e) { return std::move(e).context("storing image " + image.id()); };
  // Durable content before it gets a name: the name (and later the index row) vouch for it.
  if (::fsync(image.fd()) < 0) return fail(oslayer::Error::sys(errno, "fsync"));
  std::string path = blob_path(image.id());
  std::string fanout = path.substr(0, path.rfind('/'));
  // linkat through /proc gives the O_TMPFILE inode its name without CAP_DAC_READ_SEARCH. An
  // existing name is the same image (same SHA-512), left by an earlier or concurrent fetch.
  // remove() drops an emptied fan-out dir, possibly between our mkdir and link: then again.
  std::string proc = "/proc/self/fd/" + std::to_string(image.fd());
  for (int attempt = 0;; ++attempt) {
    if (::mkdirat(cas_.get(), fanout.c_str(), 0755) < 0 && errno != EEXIST) {
      return fail(oslayer::Error::sys(errno, "creating " + fanout));
    }
    if (::linkat(AT_FDCWD, proc.c_str(), cas_.get(), path.c_str(), AT_SYMLINK_FOLLOW) == 0 ||
        errno == EEXIST) {
      break;
    }
    if (errno != ENOENT || attempt == 3) {
      return fail(oslayer::Error::sys(errno, "linking the blob " + path));
    }
  }
  auto dir = oslayer::open_at(cas_.get(), fanout, O_RDONLY | O_DIRECTORY);
  if (!dir) return fail(std::move(dir).error());
  if (::fsync(dir->get()) < 0) return fail(oslayer::Error::sys(errno, "fsync " + fanout));

  ImageRecord rec;
  rec.id = image.id();
  rec.name = image.manifest().name.str();
  rec.labels_json = labels_json(image.manifest());
  rec.import_time_ns = rec.last_used_ns = now_ns();
  rec.size = image.size();
  rec.manifest = image.raw_manifest();
  auto q = db_.prepare(
      "INSERT INTO images (id, name, labels, import_time, last_used, size, manifest) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET last_used = excluded.last_used");
  if (!q) return fail(std::move(q).error());
  q->bind(1, rec.id)
      .bind(2, rec.name)
      .bind(3, rec.labels_json)
      .bind(4, rec.import_time_ns)
      .bind(5, rec.last_used_ns)
      .bind(6, static_cast<int64_t>(rec.size))
      .bind(7, rec.manifest);
  if (auto st = q->run(); !st) return fail(std::move(st).error());
  return find_by_id(rec.id);
}

oslayer::Status Store::touch(const std::string& id) {
  auto q = db_.prepare("UPDATE images SET last_used = ? WHERE id = ?");
  if (!q) return std::move(q).error();
  return q->bind(1, now_ns()).bind(2, id).run();
}

}  // namespace stage0::store
