#include "store/pg_schema.h"

#include "store/pg_connection.h"

#include <array>
#include <cstdint>
#include <string>

namespace hark::store::pg {

namespace {

// Any fixed number; every Hark instance on the database uses the same one.
constexpr std::int64_t kMigrationLock = 0x4861726b4d696772;  // "HarkMigr"

// Append only: a released migration never changes, a new one goes at the end.
// Every table of a user's data references users(id) ON DELETE CASCADE, so deleting the
// user row erases the rest. List names and items are unique case-insensitively (lower()
// folds letters beyond ASCII too, following the database's ctype).
constexpr std::array kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  created_at    bigint NOT NULL
);
CREATE TABLE login_sessions (
  id           text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  refresh_hash text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  revoked      boolean NOT NULL DEFAULT false
);
CREATE INDEX login_sessions_user ON login_sessions(user_id);
CREATE TABLE turns (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        text NOT NULL,
  text        text NOT NULL,
  action_json text NOT NULL DEFAULT '',
  created_at  bigint NOT NULL
);
CREATE INDEX turns_user ON turns(user_id, id);
CREATE TABLE contacts (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name    text NOT NULL,
  phones  jsonb NOT NULL,
  aliases jsonb NOT NULL
);
CREATE INDEX contacts_user ON contacts(user_id, id);
CREATE TABLE list_items (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  list    text NOT NULL,
  item    text NOT NULL
);
CREATE UNIQUE INDEX list_items_unique ON list_items(user_id, lower(list), lower(item));
CREATE TABLE reminders (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  text       text NOT NULL,
  datetime   text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX reminders_user ON reminders(user_id, datetime);
)sql",
    // 2: refresh rotation grace, expiry of old sessions, the conversation's memory.
    R"sql(
ALTER TABLE login_sessions
  ADD COLUMN previous_refresh_hash text NOT NULL DEFAULT '',
  ADD COLUMN rotated_at bigint NOT NULL DEFAULT 0,
  ADD COLUMN revoked_at bigint;
CREATE INDEX login_sessions_expiry ON login_sessions(expires_at);
CREATE TABLE dialog_states (
  session_id text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state      text NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX dialog_states_user ON dialog_states(user_id);
)sql",
    // 3: failed logins per limiter key, so that login limits hold across instances.
    R"sql(
CREATE TABLE login_failures (
  key_hash     text PRIMARY KEY,
  failures     integer NOT NULL,
  allowed_at   bigint NOT NULL,
  last_failure bigint NOT NULL,
  expires_at   bigint NOT NULL
);
CREATE INDEX login_failures_expires ON login_failures(expires_at);
)sql",
};

int current_version(pqxx::work& tx) {
  tx.exec0("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
  auto row = tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return row[0].as<int>();
}

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Result<void> migrate(pqxx::connection& conn) {
  try {
    {
      pqxx::nontransaction lock(conn);
      lock.exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);
    }
    Result<void> outcome;
    try {
      for (;;) {
        pqxx::work tx(conn);
        const int version = current_version(tx);
        if (version > latest_schema_version()) {
          outcome = make_error(Errc::internal, "the database has schema version " +
                                                   std::to_string(version) +
                                                   ", newer than this program knows (" +
                                                   std::to_string(latest_schema_version()) + ")");
          break;
        }
        if (version == latest_schema_version()) break;
        tx.exec0(kMigrations[static_cast<std::size_t>(version)]);
        tx.exec_params0("INSERT INTO schema_version (version) VALUES ($1)", version + 1);
        tx.commit();
      }
    } catch (const std::exception& e) {
      outcome = db_error(e, "migration failed");
    }
    pqxx::nontransaction unlock(conn);
    unlock.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLock);
    return outcome;
  } catch (const std::exception& e) {
    return db_error(e, "migration failed");
  }
}

}  // namespace hark::store::pg
