#include "store/sqlite_schema.h"

#include <array>
#include <string>

namespace hark::store::sqlite {

namespace {

// Append only: a released migration never changes, a new one goes at the end.
// Every table of a user's data references users(id) ON DELETE CASCADE, so deleting the
// user row erases the rest (foreign_keys=ON is set on every connection).
constexpr std::array kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE login_sessions (
  id           TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  refresh_hash TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_sessions_user ON login_sessions(user_id);
CREATE TABLE turns (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        TEXT NOT NULL,
  text        TEXT NOT NULL,
  action_json TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE INDEX turns_user ON turns(user_id, id);
CREATE TABLE contacts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  phones_json  TEXT NOT NULL,
  aliases_json TEXT NOT NULL
);
CREATE INDEX contacts_user ON contacts(user_id, id);
CREATE TABLE list_items (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  list    TEXT NOT NULL COLLATE NOCASE,
  item    TEXT NOT NULL COLLATE NOCASE
);
CREATE UNIQUE INDEX list_items_unique ON list_items(user_id, list, item);
CREATE TABLE reminders (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  text       TEXT NOT NULL,
  datetime   TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX reminders_user ON reminders(user_id, datetime);
)sql",
    // 2: one row that Store::ping() rewrites, so the health check proves writes work.
    R"sql(
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
)sql",
    // 3: refresh rotation tolerates a retry (the previous hash and when it was replaced),
    // and revoked sessions are swept some time after their revocation.
    R"sql(
ALTER TABLE login_sessions ADD COLUMN previous_refresh_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE login_sessions ADD COLUMN rotated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE login_sessions ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX login_sessions_expires ON login_sessions(expires_at);
)sql",
    // 4: the conversation's memory of a login session, erased with the session or the user.
    R"sql(
CREATE TABLE dialog_states (
  session_id TEXT PRIMARY KEY REFERENCES login_sessions(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX dialog_states_user ON dialog_states(user_id);
)sql",
    // 5: turns without AUTOINCREMENT, whose sqlite_sequence row every group commit
    // rewrote (one more page in the WAL per commit). Ids are still never reused:
    // turns_floor keeps the highest id ever deleted (raised by a trigger, cascades from
    // a deleted user included; it starts at the old sequence), and the turn writer gives
    // new turns ids above both it and the highest id left (sqlite_turn_writer.cc).
    R"sql(
CREATE TABLE turns_v5 (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        TEXT NOT NULL,
  text        TEXT NOT NULL,
  action_json TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
INSERT INTO turns_v5 (id, user_id, role, text, action_json, created_at)
  SELECT id, user_id, role, text, action_json, created_at FROM turns;
CREATE TABLE turns_floor (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  max_deleted INTEGER NOT NULL
);
INSERT INTO turns_floor (id, max_deleted)
  VALUES (1, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'turns'), 0));
DROP TABLE turns;
ALTER TABLE turns_v5 RENAME TO turns;
CREATE INDEX turns_user ON turns(user_id, id);
CREATE TRIGGER turns_deleted AFTER DELETE ON turns BEGIN
  UPDATE turns_floor SET max_deleted = OLD.id WHERE OLD.id > max_deleted;
END;
)sql",
    // 6: failed logins per limiter key, shared by every process on the file.
    R"sql(
CREATE TABLE login_failures (
  key_hash     TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  allowed_at   INTEGER NOT NULL,
  last_failure INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX login_failures_expires ON login_failures(expires_at);
)sql",
};

Result<int> current_version(Connection& conn) {
  auto create = conn.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  if (!create) return create.error();
  auto stmt = conn.prepare("SELECT MAX(version) FROM schema_version");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  return *row ? static_cast<int>(stmt->column_int(0)) : 0;  // MAX of no rows is NULL -> 0
}

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Result<void> migrate(Connection& conn) {
  for (;;) {
    // The version is read inside the write transaction, so two processes opening the same
    // file at once cannot both apply a migration.
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    auto version = current_version(conn);
    if (!version) return version.error();
    if (*version > latest_schema_version()) {
      return make_error(Errc::internal, "the database has schema version " +
                                            std::to_string(*version) +
                                            ", newer than this program knows (" +
                                            std::to_string(latest_schema_version()) + ")");
    }
    if (*version == latest_schema_version()) return tx->commit();
    auto applied = conn.exec(kMigrations[static_cast<std::size_t>(*version)]);
    if (!applied) return applied.error();
    auto record = conn.prepare("INSERT INTO schema_version (version) VALUES (?1)");
    if (!record) return record.error();
    auto recorded = record->bind(1, std::int64_t{*version + 1}).run();
    if (!recorded) return recorded.error();
    auto committed = tx->commit();
    if (!committed) return committed;
  }
}

}  // namespace hark::store::sqlite
