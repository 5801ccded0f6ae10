#include "store/sqlite_connection.h"

#include <stdexcept>

namespace hark::store::sqlite {

Error db_error(sqlite3* db, int rc, std::string_view what) {
  std::string detail = "database error while ";
  detail += what;
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  const Errc code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? Errc::unavailable
                                                                           : Errc::internal;
  return make_error(code, std::move(detail));
}

// --- Statement ---------------------------------------------------------------------------

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away.
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) return db_error(db_, bind_rc_, "binding parameters");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(db_, rc, "running a statement");
}

Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

int Statement::changes() const { return sqlite3_changes(db_); }

std::int64_t Statement::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

// --- Connection --------------------------------------------------------------------------

Connection::Connection(const std::filesystem::path& path, Mode mode,
                       std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: each connection is used by one thread at a time, under the store's locks.
  // Readers open the file read-write (without create) because a WAL reader must be able to
  // write the shared-memory index; query_only below keeps them from changing data.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE;
  if (mode == Mode::read_write) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path.string() + ": " +
                          (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));

  auto check = [&](Result<void> r) {
    if (!r) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw std::runtime_error("cannot set up database " + path.string() + ": " + r.error().detail);
    }
  };
  if (mode == Mode::read_write) {
    // journal_mode answers with the mode it settled on; a file system without shared
    // memory support would silently stay in "delete" mode, which we refuse.
    auto wal = prepare("PRAGMA journal_mode=WAL");
    if (!wal) check(wal.error());
    auto row = wal->step();
    if (!row) check(row.error());
    if (!*row || wal->column_text(0) != "wal") {
      check(make_error(Errc::internal, "the database refused WAL journal mode"));
    }
  }
  check(exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  if (mode == Mode::read_only) check(exec("PRAGMA query_only=ON"));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return db_error(db_, rc, "preparing a statement");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

Result<void> Connection::run_cached(std::string_view sql) {
  auto s = prepare(sql);
  if (!s) return s.error();
  return s->run();
}

Result<void> Connection::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) return db_error(db_, rc, "executing SQL");
  return {};
}

// --- Transaction -------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Connection& conn) {
  // IMMEDIATE takes the write lock up front, so a busy database is reported (after the busy
  // timeout) here instead of half-way through the work.
  // BEGIN and COMMIT are prepared once (the statement cache), not parsed per transaction.
  auto r = conn.run_cached("BEGIN IMMEDIATE");
  if (!r) return r.error();
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (!done_) conn_.run_cached("ROLLBACK");
}

Result<void> Transaction::commit() {
  done_ = true;
  auto r = conn_.run_cached("COMMIT");
  if (!r) conn_.run_cached("ROLLBACK");
  return r;
}

}  // namespace hark::store::sqlite
