#include "stage0/store/store.h"

#include <sys/stat.h>

#include <cerrno>

#include "oslayer/log.h"

namespace stage0::store {
namespace {

constexpr int kSchemaVersion = 1;
// SQLite's user_version once migrate() has made every table this rkt uses (the version table
// holding kSchemaVersion, and local_files, added later without a version bump) and set the
// journal mode. rkt never set user_version, so 0 means "not checked yet"; 2 was the same in WAL
// mode.
constexpr int64_t kLayout = 3;

// The layout under cas/. Directories are created on open so every later step can rely on them.
constexpr const char* kDirs[] = {"blob", "blob/sha512", "tmp", "tree", "treelocks", "db"};

}  // namespace

std::string blob_path(const std::string& id) {
  // The two-character fan-out keeps directories small, as rkt's diskv store did.
  return "blob/sha512/" + id.substr(7, 2) + "/" + id;
}

oslayer::Result<Store> Store::open(const std::string& data_dir) {
  auto fail = [&](oslayer::Error e) { return std::move(e).context("opening the image store"); };
  if (auto st = oslayer::make_dirs(AT_FDCWD, data_dir + "/cas", 0755); !st) {
    return fail(std::move(st).error());
  }
  std::string cas_path = data_dir + "/cas";
  auto cas = oslayer::open_path(cas_path, O_RDONLY | O_DIRECTORY);
  if (!cas) return fail(std::move(cas).error());
  for (const char* d : kDirs) {
    if (::mkdirat(cas->get(), d, 0755) < 0 && errno != EEXIST) {
      return fail(oslayer::Error::sys(errno, "creating " + cas_path + "/" + d));
    }
  }
  // Shared by every store user; an exclusive holder (a future schema migration) waits for all.
  auto lock =
      oslayer::lock_path(cas->get(), "lock", oslayer::LockMode::kShared, oslayer::LockWait::kBlock);
  if (!lock) return fail(std::move(lock).error());
  auto db = Db::open(cas_path + "/db/index.sqlite3");
  if (!db) return fail(std::move(db).error());
  Store store(std::move(cas_path), std::move(*cas), std::move(*lock), std::move(*db));
  if (auto st = store.migrate(); !st) return fail(std::move(st).error());
  return store;
}

oslayer::Status Store::migrate() {
  // Every command opens the store, and the checks below take the index's write lock (so that
  // concurrent commands queued on it) and parse six statements: once they have passed,
  // user_version says so and one read of the header is enough.
  int64_t found = 0;
  {
    auto layout = db_.prepare("PRAGMA user_version");
    if (!layout) return std::move(layout).error();
    auto row = layout->step();
    if (!row) return std::move(row).error();
    found = *row ? layout->integer(0) : 0;
  }
  if (found == kLayout) return oslayer::ok();
  // A rollback journal, not WAL: every rkt command is a new process that opens the index, reads
  // a few rows and exits, and the first connection to a WAL database rebuilds its shared-memory
  // index from the log and locks its way through it (0.2 to 0.4 ms of each `rkt run`, a third
  // of all the index cost it). Writes are rare (fetch, gc, a last-used stamp a minute) and short;
  // readers wait for a commit through the busy timeout. The switch needs the database to
  // itself: while another rkt has it open the mode stays, and so does the old user_version, so
  // that a later open tries again.
  bool switched = false;
  {
    auto mode = db_.prepare("PRAGMA journal_mode=DELETE");
    if (!mode) return std::move(mode).error();
    auto row = mode->step();
    if (!row) return std::move(row).error();
    switched = *row && mode->text(0) == "delete";
  }
  auto tx = Transaction::begin(db_);
  if (!tx) return std::move(tx).error();
  auto st = db_.exec(
      "CREATE TABLE IF NOT EXISTS version (version INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS images ("
      "  id TEXT PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL,"
      "  import_time INTEGER NOT NULL, last_used INTEGER NOT NULL, size INTEGER NOT NULL,"
      "  manifest TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS images_by_name ON images(name);"
      "CREATE TABLE IF NOT EXISTS remotes ("
      "  aci_url TEXT PRIMARY KEY, sig_url TEXT NOT NULL, etag TEXT NOT NULL,"
      "  image_id TEXT NOT NULL, max_age INTEGER NOT NULL, download_time INTEGER NOT NULL);"
      // Added without a version bump: an older rkt ignores the table, and its row removal
      // (image rm) leaves rows whose image is gone, which find_local_file's callers check.
      "CREATE TABLE IF NOT EXISTS local_files ("
      "  dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,"
      "  mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, image_id TEXT NOT NULL,"
      "  PRIMARY KEY (dev, ino));");
  if (!st) return st;
  auto q = db_.prepare("SELECT version FROM version");
  if (!q) return std::move(q).error();
  auto version = q->step();
  if (!version) return std::move(version).error();
  if (!*version) {
    auto ins = db_.prepare("INSERT INTO version (version) VALUES (?)");
    if (!ins) return std::move(ins).error();
    if (auto r = ins->bind(1, int64_t{kSchemaVersion}).run(); !r) return r;
  } else if (q->integer(0) > kSchemaVersion) {
    return oslayer::Error::msg("the image index has schema version " +
                               std::to_string(q->integer(0)) + ", newer than this rkt's " +
                               std::to_string(kSchemaVersion));
  }
  // A newer rkt's own stamp is left alone: its next open checks its own tables again.
  if (found < kLayout && switched) {
    if (auto r = db_.exec("PRAGMA user_version = " + std::to_string(kLayout)); !r) return r;
  }
  return tx->commit();
}

}  // namespace stage0::store
