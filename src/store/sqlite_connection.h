// A thin RAII layer over the sqlite3 C API for the SQLite store: one connection with its
// cache of prepared statements, and a scoped statement that resets itself. Internal to
// src/store; nothing here crosses the module boundary.
#pragma once

#include "common/error.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hark::store::sqlite {

// Turns the last error of `db` into an Error: busy/locked become Errc::unavailable (the
// database is there but held by someone else), everything else Errc::internal. SQLite's
// messages name tables and columns, never bound values, so the detail holds no user data.
Error db_error(sqlite3* db, int rc, std::string_view what);

// A prepared statement borrowed from a Connection's cache for one use. Binding indexes are
// 1-based as in SQLite. The destructor resets the statement and clears its bindings so the
// next borrower starts clean.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_), bind_rc_(other.bind_rc_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);

  // One step. True when a row is available, false when done; an error otherwise.
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Result<void> run();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;

  // Rows changed by the last run (sqlite3_changes of the connection).
  int changes() const;
  std::int64_t last_insert_rowid() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // first binding failure, reported by step()
};

class Connection {
 public:
  enum class Mode { read_write, read_only };

  // Opens the file (creating it in read_write mode) and applies the per-connection pragmas.
  // Throws std::runtime_error (start-up only).
  Connection(const std::filesystem::path& path, Mode mode, std::chrono::milliseconds busy_timeout);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // A statement for `sql`, prepared on first use and then kept for the connection's life.
  // Do not borrow the same SQL twice at once (the two would share one sqlite3_stmt).
  Result<Statement> prepare(std::string_view sql);

  // Runs one or more statements without results (schema, savepoints).
  Result<void> exec(const char* sql);
  // Runs one statement without results, prepared once (BEGIN, COMMIT, ROLLBACK).
  Result<void> run_cached(std::string_view sql);

  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when it goes out of scope uncommitted.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_), done_(other.done_) {
    other.done_ = true;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Connection& conn_;
  bool done_ = false;
};

}  // namespace hark::store::sqlite
