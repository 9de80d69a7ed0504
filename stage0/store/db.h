// A small RAII layer over SQLite: one connection, prepared statements, results converted to
// oslayer::Error at this boundary. The image index is the only user.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0::store {

class Statement;

class Db {
 public:
  // Opens (creating) the database with a busy timeout, so concurrent rkt processes wait for
  // each other instead of failing with SQLITE_BUSY.
  static oslayer::Result<Db> open(const std::string& path);
  Db(Db&& o) noexcept : db_(o.db_), cache_(std::move(o.cache_)) { o.db_ = nullptr; }
  Db& operator=(Db&&) = delete;
  Db(const Db&) = delete;
  ~Db();

  oslayer::Status exec(const std::string& sql);
  // A statement for `sql`. Each text is compiled once per connection and kept: a command looks
  // up the same rows several ways (stage1 and app, by ID, by name), and compiling a statement
  // costs more than running it on this small index. A text already in use gets a fresh one.
  oslayer::Result<Statement> prepare(const std::string& sql);
  int64_t changes() const { return sqlite3_changes64(db_); }

  oslayer::Error error(std::string_view what) const;

 private:
  friend class Statement;
  struct Cached {
    sqlite3_stmt* st = nullptr;
    bool in_use = false;
  };
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, Cached> cache_;
};

class Statement {
 public:
  Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_), cached_(o.cached_) {
    o.st_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);

  // Steps once: true with a row, false when done.
  oslayer::Result<bool> step();
  // Steps to the end, for statements without rows.
  oslayer::Status run();

  std::string text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  friend class Db;
  Statement(const Db* db, sqlite3_stmt* st, Db::Cached* cached)
      : db_(db), st_(st), cached_(cached) {}
  const Db* db_;
  sqlite3_stmt* st_;
  Db::Cached* cached_;  // the cache entry lent out, or null for a statement of its own
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if dropped uncommitted.
class Transaction {
 public:
  static oslayer::Result<Transaction> begin(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  oslayer::Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

}  // namespace stage0::store
