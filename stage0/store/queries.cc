// Reading the index. Every listing checks that the blob is really there, so a row whose blob
// vanished (a crash in the middle of a removal, a hand-deleted file) is never shown as usable.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "stage0/store/store.h"

namespace stage0::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, name, labels, import_time, last_used, size, manifest FROM images";

ImageRecord read_row(const Statement& q) {
  ImageRecord r;
  r.id = q.text(0);
  r.name = q.text(1);
  r.labels_json = q.text(2);
  r.import_time_ns = q.integer(3);
  r.last_used_ns = q.integer(4);
  r.size = static_cast<uint64_t>(q.integer(5));
  r.manifest = q.text(6);
  return r;
}

bool has_label(const std::string& labels_json, const std::string& name, const std::string& value) {
  auto labels = nlohmann::json::parse(labels_json, nullptr, false);
  if (!labels.is_array()) return false;
  for (const auto& l : labels) {
    if (l.value("name", "") == name && l.value("value", "") == value) return true;
  }
  return false;
}

}  // namespace

oslayer::Result<std::vector<ImageRecord>> Store::list() {
  auto q = db_.prepare(std::string(kColumns) + " ORDER BY import_time, id");
  if (!q) return std::move(q).error();
  std::vector<ImageRecord> out;
  for (;;) {
    auto row = q->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    ImageRecord r = read_row(*q);
    struct stat st {};
    if (::fstatat(cas_.get(), blob_path(r.id).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode)) {
      out.push_back(std::move(r));
    }
  }
  return out;
}

oslayer::Result<ImageRecord> Store::find_by_id(std::string_view id_or_prefix) {
  // A range on the primary key: only the matching rows are read, however large the store.
  // '~' sorts after every hex digit, so [prefix, prefix~) holds exactly the IDs it starts.
  auto q = db_.prepare(std::string(kColumns) + " WHERE id >= ? AND id < ? ORDER BY id LIMIT 2");
  if (!q) return std::move(q).error();
  q->bind(1, id_or_prefix).bind(2, std::string(id_or_prefix) + "~");
  std::vector<ImageRecord> hits;
  for (;;) {
    auto row = q->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    hits.push_back(read_row(*q));
  }
  if (hits.size() > 1) {
    return oslayer::Error::msg("image ID \"" + std::string(id_or_prefix) + "\" is ambiguous: " +
                               hits[0].id.substr(0, 19) + " " + hits[1].id.substr(0, 19) + "...");
  }
  // As in list(): a row whose blob is gone does not name a usable image.
  struct stat st {};
  if (hits.empty() ||
      ::fstatat(cas_.get(), blob_path(hits[0].id).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode)) {
    return oslayer::Error::msg("no image with ID \"" + std::string(id_or_prefix) +
                               "\" in the store");
  }
  return std::move(hits.front());
}

oslayer::Result<std::optional<ImageRecord>> Store::find_by_name(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels) {
  auto all = list();
  if (!all) return std::move(all).error();
  std::optional<ImageRecord> best;
  for (auto& r : *all) {
    if (r.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) match = match && has_label(r.labels_json, k, v);
    if (match && (!best || r.import_time_ns >= best->import_time_ns)) best = std::move(r);
  }
  return best;
}

oslayer::Result<ImageRecord> Store::resolve(std::string_view id_or_name) {
  if (id_or_name.substr(0, 7) == "sha512-") return find_by_id(id_or_name);
  std::string name(id_or_name);
  std::vector<std::pair<std::string, std::string>> labels;
  if (auto colon = name.find(':'); colon != std::string::npos) {
    labels.emplace_back("version", name.substr(colon + 1));
    name.resize(colon);
  }
  auto found = find_by_name(name, labels);
  if (!found) return std::move(found).error();
  if (!*found) {
    return oslayer::Error::msg("no image named \"" + std::string(id_or_name) + "\" in the store");
  }
  return std::move(**found);
}

oslayer::Result<oslayer::Fd> Store::open_blob(const std::string& id) {
  return oslayer::open_at(cas_.get(), blob_path(id), O_RDONLY | O_NOFOLLOW)
      .context("opening image " + id);
}

oslayer::Status Store::remove(const std::string& id) {
  // The row goes first: from then on nothing lists the image, whatever happens to the blob.
  auto q = db_.prepare("DELETE FROM images WHERE id = ?");
  if (!q) return std::move(q).error();
  if (auto st = q->bind(1, id).run(); !st) return st;
  auto r = db_.prepare("DELETE FROM remotes WHERE image_id = ?");
  if (!r) return std::move(r).error();
  if (auto st = r->bind(1, id).run(); !st) return st;
  auto l = db_.prepare("DELETE FROM local_files WHERE image_id = ?");
  if (!l) return std::move(l).error();
  if (auto st = l->bind(1, id).run(); !st) return st;
  if (::unlinkat(cas_.get(), blob_path(id).c_str(), 0) < 0 && errno != ENOENT) {
    return oslayer::Error::sys(errno, "removing the blob of " + id);
  }
  // The fan-out dir goes with its last blob, so that a refused or removed image leaves no
  // trace; commit() makes it again if a concurrent import loses it.
  std::string path = blob_path(id);
  (void)::unlinkat(cas_.get(), path.substr(0, path.rfind('/')).c_str(), AT_REMOVEDIR);
  return oslayer::ok();
}

oslayer::Result<std::optional<RemoteRecord>> Store::find_remote(const std::string& aci_url) {
  auto q = db_.prepare(
      "SELECT aci_url, sig_url, etag, image_id, max_age, download_time FROM remotes "
      "WHERE aci_url = ?");
  if (!q) return std::move(q).error();
  q->bind(1, aci_url);
  auto row = q->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<RemoteRecord>();
  RemoteRecord r{q->text(0), q->text(1), q->text(2), q->text(3), q->integer(4), q->integer(5)};
  return std::optional<RemoteRecord>(std::move(r));
}

oslayer::Status Store::save_remote(const RemoteRecord& r) {
  auto q = db_.prepare(
      "INSERT OR REPLACE INTO remotes (aci_url, sig_url, etag, image_id, max_age, download_time) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!q) return std::move(q).error();
  return q->bind(1, r.aci_url)
      .bind(2, r.sig_url)
      .bind(3, r.etag)
      .bind(4, r.image_id)
      .bind(5, r.max_age_s)
      .bind(6, r.download_time_ns)
      .run();
}

oslayer::Result<std::optional<std::string>> Store::find_local_file(const LocalFileRecord& f) {
  auto q = db_.prepare(
      "SELECT image_id FROM local_files "
      "WHERE dev = ? AND ino = ? AND size = ? AND mtime = ? AND ctime = ?");
  if (!q) return std::move(q).error();
  q->bind(1, static_cast<int64_t>(f.dev))
      .bind(2, static_cast<int64_t>(f.ino))
      .bind(3, static_cast<int64_t>(f.size))
      .bind(4, f.mtime_ns)
      .bind(5, f.ctime_ns);
  auto row = q->step();
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(q->text(0));
}

oslayer::Status Store::save_local_file(const LocalFileRecord& f) {
  auto q = db_.prepare(
      "INSERT OR REPLACE INTO local_files (dev, ino, size, mtime, ctime, image_id) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!q) return std::move(q).error();
  return q->bind(1, static_cast<int64_t>(f.dev))
      .bind(2, static_cast<int64_t>(f.ino))
      .bind(3, static_cast<int64_t>(f.size))
      .bind(4, f.mtime_ns)
      .bind(5, f.ctime_ns)
      .bind(6, f.image_id)
      .run();
}

}  // namespace stage0::store
