#include "stage0/store/db.h"

namespace stage0::store {

oslayer::Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) return db.error("opening the image index " + path);
  // Concurrent rkt processes share the index; a minute covers a long import by another one.
  sqlite3_busy_timeout(raw, 60000);
  // The journal mode is kept in the file (Store::migrate sets it once). FULL: a committed row
  // must survive a power cut, since it vouches for a blob on disk.
  auto sync = db.exec("PRAGMA synchronous=FULL");
  if (!sync) return std::move(sync).error();
  return db;
}

Db::~Db() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c.st);
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

oslayer::Error Db::error(std::string_view what) const {
  std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
  return oslayer::Error::msg(std::string(what) + ": " + msg);
}

oslayer::Status Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return oslayer::Error::msg("image index: " + msg);
  }
  return oslayer::ok();
}

oslayer::Result<Statement> Db::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.st, &it->second);
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return error("image index query");
  }
  if (it != cache_.end()) return Statement(this, st, nullptr);
  Cached& c = cache_[sql];
  c = Cached{st, true};
  return Statement(this, st, &c);
}

Statement::~Statement() {
  if (st_ == nullptr) return;
  if (cached_ == nullptr) {
    sqlite3_finalize(st_);
    return;
  }
  // Back to the cache, ready to run again (and holding no read lock meanwhile).
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
  cached_->in_use = false;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(st_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(st_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(st_, index);
  return *this;
}

oslayer::Result<bool> Statement::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error("image index");
}

oslayer::Status Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) return std::move(more).error();
    if (!*more) return oslayer::ok();
  }
}

std::string Statement::text(int column) const {
  const unsigned char* t = sqlite3_column_text(st_, column);
  int n = sqlite3_column_bytes(st_, column);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), n);
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(st_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(st_, column) == SQLITE_NULL;
}

oslayer::Result<Transaction> Transaction::begin(Db& db) {
  // IMMEDIATE takes the write lock now, so two writers queue on the busy timeout instead of
  // one failing at COMMIT with SQLITE_BUSY.
  if (auto st = db.exec("BEGIN IMMEDIATE"); !st) return std::move(st).error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  // A transaction dropped without commit() is rolled back; nothing to report from here.
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

oslayer::Status Transaction::commit() {
  auto st = db_->exec("COMMIT");
  if (st) db_ = nullptr;
  return st;
}

}  // namespace stage0::store
