// The Store on PostgreSQL, for several Hark instances sharing one database. A pool of
// connections serves the requests, each with every statement below prepared; history turns
// have a connection and a thread of their own (TurnWriter, group commit); revocations made
// by other instances arrive by LISTEN/NOTIFY (RevocationListener). Nothing is cached in the
// process, so every instance reads what any other wrote as soon as it is committed.
#include "store/login_failures.h"
#include "store/pg_connection.h"
#include "store/pg_revocations.h"
#include "store/pg_schema.h"
#include "store/pg_turn_writer.h"
#include "store/columns.h"
#include "store/store.h"

#include <boost/json.hpp>

#include <atomic>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

namespace hark::store {

namespace {

using pg::Pool;

const std::vector<pg::Prepared>& statements() {
  static const std::vector<pg::Prepared> all = {
      {"ping", "SELECT 1"},
      {"create_user",
       "INSERT INTO users (email, display_name, password_hash, created_at) "
       "VALUES ($1, $2, $3, $4) RETURNING id"},
      {"user_by_email",
       "SELECT id, email, display_name, password_hash, created_at FROM users WHERE email = $1"},
      {"user_by_id",
       "SELECT id, email, display_name, password_hash, created_at FROM users WHERE id = $1"},
      // The notification is sent when (and only if) the deletion commits.
      {"delete_user",
       "WITH gone AS (DELETE FROM users WHERE id = $1 RETURNING id) "
       "SELECT pg_notify('hark_revocations', current_schema() || ':' || id::text) FROM gone"},
      {"create_session",
       "INSERT INTO login_sessions (id, user_id, refresh_hash, created_at, expires_at, revoked) "
       "VALUES ($1, $2, $3, $4, $5, $6)"},
      {"find_session",
       "SELECT id, user_id, refresh_hash, created_at, expires_at, revoked, "
       "previous_refresh_hash, rotated_at FROM login_sessions WHERE id = $1"},
      // One UPDATE with the old value in its WHERE is the compare-and-swap: of two concurrent
      // refreshes with the same token, the second waits for the first's row lock, then finds
      // the hash changed and updates nothing.
      {"rotate_refresh",
       "UPDATE login_sessions SET previous_refresh_hash = refresh_hash, refresh_hash = $1, "
       "expires_at = $2, rotated_at = $5 "
       "WHERE id = $3 AND refresh_hash = $4 AND NOT revoked"},
      {"revoke_session",
       "WITH revoked AS (UPDATE login_sessions SET revoked = true, "
       "revoked_at = COALESCE(revoked_at, extract(epoch FROM now())::bigint) "
       "WHERE id = $1 RETURNING id), "
       "forgotten AS (DELETE FROM dialog_states WHERE session_id IN (SELECT id FROM revoked)) "
       "SELECT pg_notify('hark_revocations', current_schema() || ':' || id) FROM revoked"},
      {"delete_expired_sessions",
       "WITH gone AS (DELETE FROM login_sessions WHERE expires_at < $1 "
       "OR (revoked AND COALESCE(revoked_at, 0) < $1) RETURNING id), "
       "forgotten AS (DELETE FROM dialog_states WHERE session_id IN (SELECT id FROM gone)) "
       "SELECT count(*) FROM gone"},
      // Rows travel as one JSON array (see TurnWriter); identity values follow its order.
      {"insert_turns",
       "INSERT INTO turns (user_id, role, text, action_json, created_at) "
       "SELECT (e->>'u')::bigint, e->>'r', e->>'t', e->>'a', (e->>'c')::bigint "
       "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n "
       "RETURNING id"},
      {"history",
       "SELECT id, user_id, role, text, action_json, created_at FROM turns "
       "WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"},
      {"clear_history", "DELETE FROM turns WHERE user_id = $1"},
      {"delete_contacts", "DELETE FROM contacts WHERE user_id = $1"},
      {"insert_contact",
       "INSERT INTO contacts (user_id, name, phones, aliases) VALUES ($1, $2, $3::jsonb, $4::jsonb)"},
      {"contacts", "SELECT name, phones::text, aliases::text FROM contacts WHERE user_id = $1 ORDER BY id"},
      {"list_add",
       "INSERT INTO list_items (user_id, list, item) VALUES ($1, $2, $3) "
       "ON CONFLICT (user_id, lower(list), lower(item)) DO NOTHING"},
      {"list_remove",
       "DELETE FROM list_items WHERE user_id = $1 AND lower(list) = lower($2) "
       "AND lower(item) = lower($3)"},
      {"list_items",
       "SELECT item FROM list_items WHERE user_id = $1 AND lower(list) = lower($2) ORDER BY id"},
      {"list_clear", "DELETE FROM list_items WHERE user_id = $1 AND lower(list) = lower($2)"},
      {"add_reminder",
       "INSERT INTO reminders (user_id, text, datetime, created_at) VALUES ($1, $2, $3, $4) "
       "RETURNING id"},
      {"update_reminder", "UPDATE reminders SET text = $3, datetime = $4 WHERE id = $1 AND user_id = $2"},
      {"reminders",
       "SELECT id, text, datetime, created_at FROM reminders WHERE user_id = $1 "
       "ORDER BY datetime, id"},
      {"load_dialog_state", "SELECT state FROM dialog_states WHERE session_id = $1"},
      // States travel as one JSON array, at most one per session (pg::write_dialog_states),
      // so that a group commit writes all of its states in one statement.
      {"save_dialog_states",
       // Only for a live session of that user: a state never lands under someone else's login.
       "INSERT INTO dialog_states (session_id, user_id, state, updated_at) "
       "SELECT w.s, w.u, w.t, w.n FROM jsonb_to_recordset($1::jsonb) AS w(s text, u bigint, t text, n bigint) "
       "WHERE EXISTS (SELECT 1 FROM login_sessions l WHERE l.id = w.s AND l.user_id = w.u AND NOT l.revoked) "
       "ON CONFLICT (session_id) DO UPDATE SET state = EXCLUDED.state, "
       "updated_at = EXCLUDED.updated_at WHERE dialog_states.user_id = EXCLUDED.user_id"},
      {"delete_dialog_states",
       "DELETE FROM dialog_states d USING jsonb_to_recordset($1::jsonb) AS w(s text, u bigint) "
       "WHERE d.session_id = w.s AND d.user_id = w.u"},
  };
  static const std::vector<pg::Prepared> with_login_failures = [] {
    auto out = all;
    for (auto& p : pg::login_failure_statements()) out.push_back(p);
    return out;
  }();
  return with_login_failures;
}

using columns::ascii_lower;
using columns::strings_to_json;

Result<std::vector<std::string>> from_json(const pqxx::field& field) {
  return columns::strings_from_json(field.c_str());
}

Result<User> one_user(const pqxx::result& r) {
  if (r.empty()) return make_error(Errc::not_found, "No such user.");
  const auto& row = r[0];
  return User{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
              row[3].as<std::string>(), row[4].as<std::int64_t>()};
}

// The rotation fields of LoginSession come with the refresh-grace change of the interface;
// until a LoginSession has them they are only stored.
template <class S>
void set_rotation(S& s, std::string previous_hash, std::int64_t rotated_at) {
  if constexpr (requires { s.previous_refresh_hash; s.rotated_at; }) {
    s.previous_refresh_hash = std::move(previous_hash);
    s.rotated_at = rotated_at;
  }
}

// A single statement outside a transaction block (it commits by itself).
template <class... Args>
pqxx::result exec(pqxx::connection& c, const char* name, Args&&... args) {
  pqxx::nontransaction tx(c);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& url, const PostgresOptions& options)
      : writer_pool_(url, 1, statements(), options.acquire_timeout),
        listener_(url, revocation_epoch_),
        pool_(url, options.pool_size, statements(), options.acquire_timeout),
        turn_writer_(writer_pool_) {}

  // Applies the migrations on the writer's connection before anything else uses the schema.
  static std::unique_ptr<PostgresStore> open(const std::string& url, const PostgresOptions& options) {
    try {
      auto conn = pg::connect(url, {});
      if (auto migrated = pg::migrate(*conn); !migrated) {
        throw std::runtime_error("cannot prepare the database: " + migrated.error().detail);
      }
    } catch (const pqxx::failure& e) {
      throw std::runtime_error(pg::db_error(e, "cannot connect to PostgreSQL").detail);
    }
    return std::make_unique<PostgresStore>(url, options);
  }

  Result<void> ping() override {
    return pool_.run("ping", [](pqxx::connection& c) -> Result<void> {
      exec(c, "ping");
      return {};
    });
  }

  // --- users ------------------------------------------------------------------------------

  Result<User> create_user(const std::string& email, const std::string& display_name,
                           const std::string& password_hash, std::int64_t now) override {
    return pool_.run("cannot create the user", [&](pqxx::connection& c) -> Result<User> {
      User u{0, ascii_lower(email), display_name, password_hash, now};
      try {
        u.id = exec(c, "create_user", u.email, u.display_name, u.password_hash, now)[0][0].as<std::int64_t>();
      } catch (const pqxx::unique_violation&) {
        return make_error(Errc::email_taken, "An account with this email already exists.");
      }
      return u;
    });
  }

  Result<User> find_user_by_email(const std::string& email) override {
    return pool_.run("cannot read the user", [&](pqxx::connection& c) {
      return one_user(exec(c, "user_by_email", ascii_lower(email)));
    });
  }

  Result<User> find_user(std::int64_t id) override {
    return pool_.run("cannot read the user", [&](pqxx::connection& c) { return one_user(exec(c, "user_by_id", id)); });
  }

  Result<void> delete_user(std::int64_t id) override {
    auto done = pool_.run("cannot delete the user", [&](pqxx::connection& c) -> Result<void> {
      if (exec(c, "delete_user", id).empty()) return make_error(Errc::not_found, "No such user.");
      return {};
    });
    if (done) revocation_epoch_.fetch_add(1);
    return done;
  }

  // --- sessions ---------------------------------------------------------------------------

  Result<void> create_session(const LoginSession& s) override {
    return pool_.run("cannot create the session", [&](pqxx::connection& c) -> Result<void> {
      exec(c, "create_session", s.id, s.user_id, s.refresh_hash, s.created_at, s.expires_at, s.revoked);
      return {};
    });
  }

  Result<LoginSession> find_session(const std::string& id) override {
    return pool_.run("cannot read the session", [&](pqxx::connection& c) -> Result<LoginSession> {
      auto r = exec(c, "find_session", id);
      if (r.empty()) return make_error(Errc::not_found, "No such login session.");
      const auto& row = r[0];
      LoginSession s;
      s.id = row[0].as<std::string>();
      s.user_id = row[1].as<std::int64_t>();
      s.refresh_hash = row[2].as<std::string>();
      s.created_at = row[3].as<std::int64_t>();
      s.expires_at = row[4].as<std::int64_t>();
      s.revoked = row[5].as<bool>();
      set_rotation(s, row[6].as<std::string>(), row[7].as<std::int64_t>());
      return s;
    });
  }

  // Without `override`: the interface is gaining a `now` parameter (STORE_CONTRACT.md);
  // both forms are here until it has.
  Result<void> rotate_refresh(const std::string& session_id, const std::string& old_hash,
                              const std::string& new_hash, std::int64_t new_expires_at) {
    return rotate_refresh(session_id, old_hash, new_hash, new_expires_at, 0);
  }

  Result<void> rotate_refresh(const std::string& session_id, const std::string& old_hash,
                              const std::string& new_hash, std::int64_t new_expires_at,
                              std::int64_t now) {
    return pool_.run("cannot rotate the refresh token", [&](pqxx::connection& c) -> Result<void> {
      auto r = exec(c, "rotate_refresh", new_hash, new_expires_at, session_id, old_hash, now);
      if (r.affected_rows() != 1) return make_error(Errc::invalid_token, "The refresh token is no longer valid.");
      return {};
    });
  }

  Result<void> revoke_session(const std::string& id) override {
    auto done = pool_.run("cannot revoke the session", [&](pqxx::connection& c) -> Result<void> {
      if (exec(c, "revoke_session", id).empty()) return make_error(Errc::not_found, "No such login session.");
      return {};
    });
    if (done) revocation_epoch_.fetch_add(1);
    return done;
  }

  // Counts this process's revocations and, through LISTEN/NOTIFY, every other instance's.
  std::uint64_t revocation_epoch() const override { return revocation_epoch_.load(); }

  // --- failed logins (store/login_failures.cc) --------------------------------------------

  Result<BackoffState> record_login_failure(const std::string& key, const BackoffPolicy& policy,
                                            std::int64_t now) override {
    return pool_.run("cannot count the failed login", [&](pqxx::connection& c) {
      return pg::record_login_failure(c, key, policy, now);
    });
  }
  Result<std::int64_t> login_allowed_at(const std::string& key) override {
    return pool_.run("cannot read the failed logins", [&](pqxx::connection& c) {
      return pg::login_allowed_at(c, key);
    });
  }
  Result<void> clear_login_failures(const std::string& key) override {
    return pool_.run("cannot clear the failed logins", [&](pqxx::connection& c) {
      return pg::clear_login_failures(c, key);
    });
  }
  Result<std::int64_t> delete_expired_login_failures(std::int64_t now) override {
    return pool_.run("cannot delete old failed logins", [&](pqxx::connection& c) {
      return pg::delete_expired_login_failures(c, now);
    });
  }

  Result<std::int64_t> delete_expired_sessions(std::int64_t now) {
    return pool_.run("cannot delete old sessions", [&](pqxx::connection& c) -> Result<std::int64_t> {
      return exec(c, "delete_expired_sessions", now)[0][0].as<std::int64_t>();
    });
  }

  // --- conversation memory ----------------------------------------------------------------

  Result<std::string> load_dialog_state(const std::string& session_id) {
    return pool_.run("cannot read the conversation", [&](pqxx::connection& c) -> Result<std::string> {
      auto r = exec(c, "load_dialog_state", session_id);
      return r.empty() ? std::string() : r[0][0].as<std::string>();
    });
  }

  Result<void> save_dialog_state(const std::string& session_id, std::int64_t user_id,
                                 const std::string& state, std::int64_t now) {
    const DialogStateWrite w{session_id, user_id, state, now};
    return pool_.run("cannot store the conversation", [&](pqxx::connection& c) -> Result<void> {
      pqxx::nontransaction tx(c);
      if (pg::write_dialog_states(tx, {&w}) == 0 && !state.empty()) {
        return make_error(Errc::not_found, "No such login session for this user.");
      }
      return {};
    });
  }

  // --- history ----------------------------------------------------------------------------

  Result<std::int64_t> append_turn(const Turn& turn) override {
    auto ids = append_turns({turn});
    if (!ids) return ids.error();
    return ids->front();
  }

  Result<std::vector<std::int64_t>> append_turns(const std::vector<Turn>& turns) override {
    if (turns.empty()) return std::vector<std::int64_t>{};
    return queue_turns(turns)->wait();
  }

  std::shared_ptr<TurnCommit> queue_turns(std::vector<Turn> turns) override {
    return turn_writer_.queue(std::move(turns));
  }
  // The state is written in the turns' group commit, not by a round trip and a WAL flush of
  // its own per turn.
  std::shared_ptr<TurnCommit> queue_turns_and_state(std::vector<Turn> turns, DialogStateWrite state) override {
    return turn_writer_.queue(std::move(turns), std::move(state));
  }

  Result<std::vector<Turn>> history(std::int64_t user_id, int limit, std::int64_t before_id) override {
    if (limit <= 0) return std::vector<Turn>{};
    const std::int64_t below = before_id == 0 ? std::numeric_limits<std::int64_t>::max() : before_id;
    return pool_.run("cannot read the history", [&](pqxx::connection& c) -> Result<std::vector<Turn>> {
      std::vector<Turn> out;
      for (const auto& row : exec(c, "history", user_id, below, limit)) {
        out.push_back(Turn{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::string>(),
                           row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::int64_t>()});
      }
      return out;
    });
  }

  Result<void> clear_history(std::int64_t user_id) override {
    return pool_.run("cannot clear the history", [&](pqxx::connection& c) -> Result<void> {
      exec(c, "clear_history", user_id);
      return {};
    });
  }

  // --- contacts ---------------------------------------------------------------------------

  Result<void> put_contacts(std::int64_t user_id, const std::vector<Contact>& contacts) override {
    return pool_.run("cannot store the contacts", [&](pqxx::connection& c) -> Result<void> {
      pqxx::work tx(c);
      tx.exec_prepared("delete_contacts", user_id);
      for (const auto& contact : contacts)
        tx.exec_prepared("insert_contact", user_id, contact.name, strings_to_json(contact.phones), strings_to_json(contact.aliases));
      tx.commit();
      return {};
    });
  }

  Result<std::vector<Contact>> contacts(std::int64_t user_id) override {
    return pool_.run("cannot read the contacts", [&](pqxx::connection& c) -> Result<std::vector<Contact>> {
      std::vector<Contact> out;
      for (const auto& row : exec(c, "contacts", user_id)) {
        auto phones = from_json(row[1]);
        if (!phones) return phones.error();
        auto aliases = from_json(row[2]);
        if (!aliases) return aliases.error();
        out.push_back(Contact{row[0].as<std::string>(), std::move(*phones), std::move(*aliases)});
      }
      return out;
    });
  }

  // --- lists ------------------------------------------------------------------------------

  Result<bool> list_add(std::int64_t user_id, const std::string& list, const std::string& item) override {
    return pool_.run("cannot change the list", [&](pqxx::connection& c) -> Result<bool> {
      return exec(c, "list_add", user_id, list, item).affected_rows() == 1;
    });
  }

  Result<bool> list_remove(std::int64_t user_id, const std::string& list, const std::string& item) override {
    return pool_.run("cannot change the list", [&](pqxx::connection& c) -> Result<bool> {
      return exec(c, "list_remove", user_id, list, item).affected_rows() > 0;
    });
  }

  Result<std::vector<std::string>> list_items(std::int64_t user_id, const std::string& list) override {
    return pool_.run("cannot read the list", [&](pqxx::connection& c) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      for (const auto& row : exec(c, "list_items", user_id, list)) out.push_back(row[0].as<std::string>());
      return out;
    });
  }

  Result<void> list_clear(std::int64_t user_id, const std::string& list) override {
    return pool_.run("cannot clear the list", [&](pqxx::connection& c) -> Result<void> {
      exec(c, "list_clear", user_id, list);
      return {};
    });
  }

  // --- reminders --------------------------------------------------------------------------

  Result<std::int64_t> add_reminder(std::int64_t user_id, const Reminder& m) override {
    return pool_.run("cannot store the reminder", [&](pqxx::connection& c) -> Result<std::int64_t> {
      return exec(c, "add_reminder", user_id, m.text, m.datetime, m.created_at)[0][0].as<std::int64_t>();
    });
  }

  Result<bool> update_reminder(std::int64_t user_id, const Reminder& m) override {
    return pool_.run("cannot change the reminder", [&](pqxx::connection& c) -> Result<bool> {
      return exec(c, "update_reminder", m.id, user_id, m.text, m.datetime).affected_rows() == 1;
    });
  }

  Result<std::vector<Reminder>> reminders(std::int64_t user_id) override {
    return pool_.run("cannot read the reminders", [&](pqxx::connection& c) -> Result<std::vector<Reminder>> {
      std::vector<Reminder> out;
      for (const auto& row : exec(c, "reminders", user_id)) {
        out.push_back(Reminder{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                               row[3].as<std::int64_t>()});
      }
      return out;
    });
  }

 private:
  std::atomic<std::uint64_t> revocation_epoch_{0};
  Pool writer_pool_;
  pg::RevocationListener listener_;
  Pool pool_;
  // Last: destroyed first, committing what is still queued while the rest is alive.
  pg::TurnWriter turn_writer_;
};

}  // namespace

std::unique_ptr<Store> open_postgres(const std::string& url, const PostgresOptions& options) {
  return PostgresStore::open(url, options);
}

}  // namespace hark::store
