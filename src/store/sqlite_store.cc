// The Store on SQLite. One writer connection under a mutex (SQLite allows one writer at a
// time anyway) and a few reader connections that, in WAL mode, read concurrently with it.
// History turns are written by a TurnWriter (group commit) on the same writer connection.
#include "store/login_failures.h"
#include "store/sqlite_checkpointer.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_turn_writer.h"
#include "store/columns.h"
#include "store/store.h"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <unordered_map>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace hark::store {

namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

using columns::ascii_lower;
using columns::strings_from_json;
using columns::strings_to_json;

User read_user(const Statement& s) {
  User u;
  u.id = s.column_int(0);
  u.email = s.column_text(1);
  u.display_name = s.column_text(2);
  u.password_hash = s.column_text(3);
  u.created_at = s.column_int(4);
  return u;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::filesystem::path& path, const SqliteOptions& options)
      : writer_(path, Connection::Mode::read_write, options.busy_timeout) {
    auto migrated = sqlite::migrate(writer_);
    if (!migrated) {
      throw std::runtime_error("cannot prepare database " + path.string() + ": " +
                               migrated.error().detail);
    }
    // Readers open after the migration, so they never see a half-made schema.
    for (int i = 0; i < std::max(options.readers, 1); ++i) {
      readers_.push_back(
          std::make_unique<Connection>(path, Connection::Mode::read_only, options.busy_timeout));
      free_readers_.push_back(readers_.back().get());
    }
    // Checkpoints leave the commit path (see Checkpointer): no answer waits for one.
    if (auto off = writer_.exec("PRAGMA wal_autocheckpoint=0"); !off) {
      throw std::runtime_error("cannot prepare database " + path.string() + ": " + off.error().detail);
    }
    checkpointer_ = std::make_unique<sqlite::Checkpointer>(path, options.busy_timeout, kCheckpointPeriod);
    turn_writer_ = std::make_unique<sqlite::TurnWriter>(writer_, writer_mutex_);
  }

  // A read and a committed write: a database that still answers reads but refuses every
  // write (a full disk, a lock held elsewhere, a file turned read-only) is not healthy.
  Result<void> ping() override {
    {
      auto r = reader();
      auto s = r->prepare("SELECT 1");
      if (!s) return s.error();
      auto row = s->step();
      if (!row) return row.error();
    }
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("INSERT OR REPLACE INTO health_probe (id, at) VALUES (1, ?1)");
    if (!s) return s.error();
    return s->bind(1, static_cast<std::int64_t>(std::time(nullptr))).run();
  }

  // --- users ------------------------------------------------------------------------------

  Result<User> create_user(const std::string& email, const std::string& display_name,
                           const std::string& password_hash, std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare(
        "INSERT INTO users (email, display_name, password_hash, created_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!s) return s.error();
    User u{0, ascii_lower(email), display_name, password_hash, now};
    s->bind(1, u.email).bind(2, u.display_name).bind(3, u.password_hash).bind(4, now);
    auto done = s->run();
    if (!done) {
      if (sqlite3_extended_errcode(writer_.handle()) == SQLITE_CONSTRAINT_UNIQUE) {
        return make_error(Errc::email_taken, "An account with this email already exists.");
      }
      return done.error();
    }
    u.id = s->last_insert_rowid();
    return u;
  }

  Result<User> find_user_by_email(const std::string& email) override {
    auto r = reader();
    auto s = r->prepare(
        "SELECT id, email, display_name, password_hash, created_at FROM users WHERE email = ?1");
    if (!s) return s.error();
    s->bind(1, ascii_lower(email));
    return one_user(*s);
  }

  Result<User> find_user(std::int64_t id) override {
    auto r = reader();
    auto s = r->prepare(
        "SELECT id, email, display_name, password_hash, created_at FROM users WHERE id = ?1");
    if (!s) return s.error();
    s->bind(1, id);
    return one_user(*s);
  }

  Result<void> delete_user(std::int64_t id) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("DELETE FROM users WHERE id = ?1");
    if (!s) return s.error();
    auto done = s->bind(1, id).run();
    if (!done) return done.error();
    if (s->changes() == 0) return make_error(Errc::not_found, "No such user.");
    revocation_epoch_.fetch_add(1);
    forget_contacts(id);
    return {};
  }

  // --- sessions ---------------------------------------------------------------------------

  Result<void> create_session(const LoginSession& session) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare(
        "INSERT INTO login_sessions (id, user_id, refresh_hash, created_at, expires_at, revoked) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s) return s.error();
    s->bind(1, session.id)
        .bind(2, session.user_id)
        .bind(3, session.refresh_hash)
        .bind(4, session.created_at)
        .bind(5, session.expires_at)
        .bind(6, std::int64_t{session.revoked ? 1 : 0});
    auto done = s->run();
    if (!done && sqlite3_extended_errcode(writer_.handle()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::not_found, "No such user.");
    }
    return done;
  }

  Result<LoginSession> find_session(const std::string& id) override {
    auto r = reader();
    auto s = r->prepare(
        "SELECT id, user_id, refresh_hash, created_at, expires_at, revoked, "
        "previous_refresh_hash, rotated_at FROM login_sessions WHERE id = ?1");
    if (!s) return s.error();
    auto row = s->bind(1, id).step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::not_found, "No such login session.");
    LoginSession out;
    out.id = s->column_text(0);
    out.user_id = s->column_int(1);
    out.refresh_hash = s->column_text(2);
    out.created_at = s->column_int(3);
    out.expires_at = s->column_int(4);
    out.revoked = s->column_int(5) != 0;
    out.previous_refresh_hash = s->column_text(6);
    out.rotated_at = s->column_int(7);
    return out;
  }

  Result<void> rotate_refresh(const std::string& session_id, const std::string& old_hash,
                              const std::string& new_hash, std::int64_t new_expires_at,
                              std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    // One UPDATE with the old value in its WHERE is the compare-and-swap: of two concurrent
    // refreshes with the same token, exactly one changes the row.
    auto s = writer_.prepare(
        "UPDATE login_sessions SET refresh_hash = ?1, expires_at = ?2, "
        "previous_refresh_hash = ?4, rotated_at = ?5 "
        "WHERE id = ?3 AND refresh_hash = ?4 AND revoked = 0");
    if (!s) return s.error();
    auto done = s->bind(1, new_hash).bind(2, new_expires_at).bind(3, session_id).bind(4, old_hash).bind(5, now).run();
    if (!done) return done.error();
    if (s->changes() != 1) return make_error(Errc::invalid_token, "The refresh token is no longer valid.");
    return {};
  }

  Result<void> revoke_session(const std::string& id) override {
    std::lock_guard lock(writer_mutex_);
    // revoked_at keeps the first revocation's time (from SQLite's own clock: revoking has
    // no `now`), for delete_expired_sessions.
    auto s = writer_.prepare(
        "UPDATE login_sessions SET revoked = 1, "
        "revoked_at = CASE WHEN revoked = 1 THEN revoked_at ELSE unixepoch() END WHERE id = ?1");
    if (!s) return s.error();
    auto done = s->bind(1, id).run();
    if (!done) return done.error();
    if (s->changes() == 0) return make_error(Errc::not_found, "No such login session.");
    revocation_epoch_.fetch_add(1);
    // An ended login keeps no conversation.
    auto forget = writer_.prepare("DELETE FROM dialog_states WHERE session_id = ?1");
    if (!forget) return forget.error();
    if (auto gone = forget->bind(1, id).run(); !gone) return gone.error();
    return {};
  }

  // --- dialog state -----------------------------------------------------------------------

  Result<std::string> load_dialog_state(const std::string& session_id) override {
    auto r = reader();
    auto s = r->prepare("SELECT state FROM dialog_states WHERE session_id = ?1");
    if (!s) return s.error();
    s->bind(1, session_id);
    auto row = s->step();
    if (!row) return row.error();
    return *row ? s->column_text(0) : std::string();
  }

  Result<void> save_dialog_state(const std::string& session_id, std::int64_t user_id,
                                 const std::string& state, std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    return write_dialog_state(writer_, DialogStateWrite{session_id, user_id, state, now});
  }

  Result<std::int64_t> delete_expired_sessions(std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare(
        "DELETE FROM login_sessions WHERE expires_at < ?1 OR (revoked = 1 AND revoked_at < ?1)");
    if (!s) return s.error();
    auto done = s->bind(1, now).run();
    if (!done) return done.error();
    return static_cast<std::int64_t>(s->changes());
  }

  std::uint64_t revocation_epoch() const override { return revocation_epoch_.load(); }

  // --- failed logins (store/login_failures.cc) --------------------------------------------

  Result<BackoffState> record_login_failure(const std::string& key, const BackoffPolicy& policy,
                                            std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    return sqlite::record_login_failure(writer_, key, policy, now);
  }
  Result<std::int64_t> login_allowed_at(const std::string& key) override {
    auto r = reader();
    return sqlite::login_allowed_at(*r, key);
  }
  Result<void> clear_login_failures(const std::string& key) override {
    std::lock_guard lock(writer_mutex_);
    return sqlite::clear_login_failures(writer_, key);
  }
  Result<std::int64_t> delete_expired_login_failures(std::int64_t now) override {
    std::lock_guard lock(writer_mutex_);
    return sqlite::delete_expired_login_failures(writer_, now);
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
    return turn_writer_->queue(std::move(turns));
  }
  std::shared_ptr<TurnCommit> queue_turns_and_state(std::vector<Turn> turns, DialogStateWrite state) override {
    return turn_writer_->queue(std::move(turns), std::move(state));
  }

  Result<std::vector<Turn>> history(std::int64_t user_id, int limit, std::int64_t before_id) override {
    std::vector<Turn> out;
    if (limit <= 0) return out;
    auto r = reader();
    auto s = r->prepare(
        "SELECT id, user_id, role, text, action_json, created_at FROM turns "
        "WHERE user_id = ?1 AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3");
    if (!s) return s.error();
    s->bind(1, user_id).bind(2, before_id).bind(3, std::int64_t{limit});
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      Turn t;
      t.id = s->column_int(0);
      t.user_id = s->column_int(1);
      t.role = s->column_text(2);
      t.text = s->column_text(3);
      t.action_json = s->column_text(4);
      t.created_at = s->column_int(5);
      out.push_back(std::move(t));
    }
    return out;
  }

  Result<void> clear_history(std::int64_t user_id) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("DELETE FROM turns WHERE user_id = ?1");
    if (!s) return s.error();
    return s->bind(1, user_id).run();
  }

  // --- contacts ---------------------------------------------------------------------------

  Result<void> put_contacts(std::int64_t user_id, const std::vector<Contact>& contacts) override {
    std::lock_guard lock(writer_mutex_);
    auto tx = Transaction::begin(writer_);
    if (!tx) return tx.error();
    {
      auto del = writer_.prepare("DELETE FROM contacts WHERE user_id = ?1");
      if (!del) return del.error();
      auto done = del->bind(1, user_id).run();
      if (!done) return done.error();
    }
    for (const auto& c : contacts) {
      auto ins = writer_.prepare(
          "INSERT INTO contacts (user_id, name, phones_json, aliases_json) VALUES (?1, ?2, ?3, ?4)");
      if (!ins) return ins.error();
      auto done = ins->bind(1, user_id).bind(2, c.name).bind(3, strings_to_json(c.phones)).bind(4, strings_to_json(c.aliases)).run();
      if (!done) return fk_as_not_found(done.error());
    }
    auto committed = tx->commit();
    forget_contacts(user_id);
    return committed;
  }

  // Read on every utterance (contact resolution), written rarely: kept per user for a
  // short while. A put on this process invalidates at once; a put by another process on
  // the same file shows within kContactsTtl.
  Result<std::vector<Contact>> contacts(std::int64_t user_id) override {
    auto now = std::chrono::steady_clock::now();
    std::uint64_t generation;
    {
      std::lock_guard lock(contacts_mutex_);
      auto it = contacts_cache_.find(user_id);
      if (it != contacts_cache_.end() && now - it->second.loaded < kContactsTtl)
        return *it->second.contacts;
      generation = contacts_generation_;
    }
    auto loaded = read_contacts(user_id);
    if (!loaded) return loaded.error();
    std::lock_guard lock(contacts_mutex_);
    // A put that happened while we read makes what we read stale: do not keep it.
    if (generation == contacts_generation_) {
      if (contacts_cache_.size() >= kMaxCachedContactLists) contacts_cache_.clear();
      contacts_cache_[user_id] =
          CachedContacts{std::make_shared<const std::vector<Contact>>(*loaded), now};
    }
    return loaded;
  }

 private:
  Result<std::vector<Contact>> read_contacts(std::int64_t user_id) {
    auto r = reader();
    auto s = r->prepare(
        "SELECT name, phones_json, aliases_json FROM contacts WHERE user_id = ?1 ORDER BY id");
    if (!s) return s.error();
    s->bind(1, user_id);
    std::vector<Contact> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      Contact c;
      c.name = s->column_text(0);
      auto phones = strings_from_json(s->column_text(1));
      if (!phones) return phones.error();
      auto aliases = strings_from_json(s->column_text(2));
      if (!aliases) return aliases.error();
      c.phones = std::move(*phones);
      c.aliases = std::move(*aliases);
      out.push_back(std::move(c));
    }
    return out;
  }

 public:

  // --- lists ------------------------------------------------------------------------------

  Result<bool> list_add(std::int64_t user_id, const std::string& list, const std::string& item) override {
    std::lock_guard lock(writer_mutex_);
    // The unique index is COLLATE NOCASE, so "Milk" after "milk" is ignored.
    auto s = writer_.prepare("INSERT OR IGNORE INTO list_items (user_id, list, item) VALUES (?1, ?2, ?3)");
    if (!s) return s.error();
    auto done = s->bind(1, user_id).bind(2, list).bind(3, item).run();
    if (!done) return fk_as_not_found(done.error());
    return s->changes() == 1;
  }

  Result<bool> list_remove(std::int64_t user_id, const std::string& list, const std::string& item) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("DELETE FROM list_items WHERE user_id = ?1 AND list = ?2 AND item = ?3");
    if (!s) return s.error();
    auto done = s->bind(1, user_id).bind(2, list).bind(3, item).run();
    if (!done) return done.error();
    return s->changes() > 0;
  }

  Result<std::vector<std::string>> list_items(std::int64_t user_id, const std::string& list) override {
    auto r = reader();
    auto s = r->prepare("SELECT item FROM list_items WHERE user_id = ?1 AND list = ?2 ORDER BY id");
    if (!s) return s.error();
    s->bind(1, user_id).bind(2, list);
    std::vector<std::string> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(s->column_text(0));
    }
    return out;
  }

  Result<void> list_clear(std::int64_t user_id, const std::string& list) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("DELETE FROM list_items WHERE user_id = ?1 AND list = ?2");
    if (!s) return s.error();
    return s->bind(1, user_id).bind(2, list).run();
  }

  // --- reminders --------------------------------------------------------------------------

  Result<std::int64_t> add_reminder(std::int64_t user_id, const Reminder& reminder) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare(
        "INSERT INTO reminders (user_id, text, datetime, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!s) return s.error();
    auto done = s->bind(1, user_id).bind(2, reminder.text).bind(3, reminder.datetime).bind(4, reminder.created_at).run();
    if (!done) return fk_as_not_found(done.error());
    return s->last_insert_rowid();
  }

  Result<bool> update_reminder(std::int64_t user_id, const Reminder& reminder) override {
    std::lock_guard lock(writer_mutex_);
    auto s = writer_.prepare("UPDATE reminders SET text = ?3, datetime = ?4 WHERE id = ?1 AND user_id = ?2");
    if (!s) return s.error();
    auto done = s->bind(1, reminder.id).bind(2, user_id).bind(3, reminder.text).bind(4, reminder.datetime).run();
    if (!done) return done.error();
    return s->changes() == 1;
  }

  Result<std::vector<Reminder>> reminders(std::int64_t user_id) override {
    auto r = reader();
    auto s = r->prepare(
        "SELECT id, text, datetime, created_at FROM reminders WHERE user_id = ?1 "
        "ORDER BY datetime, id");
    if (!s) return s.error();
    s->bind(1, user_id);
    std::vector<Reminder> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      Reminder m;
      m.id = s->column_int(0);
      m.text = s->column_text(1);
      m.datetime = s->column_text(2);
      m.created_at = s->column_int(3);
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  // A reader connection lent for the scope of one method; returned on destruction.
  class Lease {
   public:
    Lease(SqliteStore& store, Connection* conn) : store_(store), conn_(conn) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      {
        std::lock_guard lock(store_.readers_mutex_);
        store_.free_readers_.push_back(conn_);
      }
      store_.readers_cv_.notify_one();
    }
    Connection* operator->() const { return conn_; }
    Connection& operator*() const { return *conn_; }

   private:
    SqliteStore& store_;
    Connection* conn_;
  };

  Lease reader() {
    std::unique_lock lock(readers_mutex_);
    readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
    Connection* conn = free_readers_.back();
    free_readers_.pop_back();
    return Lease(*this, conn);
  }

  static Result<User> one_user(Statement& s) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return make_error(Errc::not_found, "No such user.");
    return read_user(s);
  }

  // Writing a row for a user that does not exist (deleted meanwhile) breaks the foreign key;
  // callers get not_found rather than an internal error.
  Error fk_as_not_found(Error e) {
    if (sqlite3_extended_errcode(writer_.handle()) == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::not_found, "No such user.");
    }
    return e;
  }

  void forget_contacts(std::int64_t user_id) {
    std::lock_guard lock(contacts_mutex_);
    contacts_cache_.erase(user_id);
    ++contacts_generation_;
  }

  static constexpr auto kContactsTtl = std::chrono::seconds(2);
  static constexpr std::size_t kMaxCachedContactLists = 100000;
  struct CachedContacts {
    std::shared_ptr<const std::vector<Contact>> contacts;
    std::chrono::steady_clock::time_point loaded;
  };
  std::mutex contacts_mutex_;
  std::unordered_map<std::int64_t, CachedContacts> contacts_cache_;
  std::uint64_t contacts_generation_ = 0;

  std::atomic<std::uint64_t> revocation_epoch_{0};

  std::mutex writer_mutex_;
  Connection writer_;

  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_readers_;

  static constexpr auto kCheckpointPeriod = std::chrono::milliseconds(100);
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
  // Last: destroyed first, committing what is still queued while the rest is alive.
  std::unique_ptr<sqlite::TurnWriter> turn_writer_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path) {
  return open_sqlite(path, SqliteOptions{});
}

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path, const SqliteOptions& options) {
  // SQLite takes a zero-length file for a new, empty database: a database truncated by
  // accident (a failed copy, a full disk during a restore) would start with no accounts
  // and be filled anew over the lost data. Refuse it; an operator decides.
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0 && !ec)
    throw std::runtime_error("the database file " + path.string() +
                             " is empty (0 bytes), which a real database never is: restore it "
                             "from a backup, or delete it to start with a new database");
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace hark::store
