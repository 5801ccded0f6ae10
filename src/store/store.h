// Everything Hark keeps: users, login sessions, conversation history, contacts, lists,
// reminders. One interface, one implementation per database (SQLite now, PostgreSQL next);
// callers never know which. Every method is thread-safe and blocking: call it from a
// worker thread, never from a network thread. Times are Unix seconds (UTC).
// Database failures answer Errc::internal (Errc::unavailable when the database is busy or
// locked); writing data for a user that does not exist answers Errc::not_found.
#pragma once

#include "common/backoff.h"
#include "common/error.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hark::store {

struct User {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::string display_name;
  std::string password_hash;  // Argon2id, libsodium's encoded form
  std::int64_t created_at = 0;
};

// One login: the access tokens of a login name it; logout revokes it.
struct LoginSession {
  std::string id;  // random, url-safe
  std::int64_t user_id = 0;
  std::string refresh_hash;  // SHA-256 (hex) of the current refresh token
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // of the refresh token
  bool revoked = false;
  // The refresh hash this session had before its last rotation, and when that rotation
  // happened: a retry of the previous token within the grace window gets the same new pair.
  std::string previous_refresh_hash;
  std::int64_t rotated_at = 0;
};

struct Turn {
  std::int64_t id = 0;  // assigned by the store, increasing
  std::int64_t user_id = 0;
  std::string role;         // "user" or "assistant"
  std::string text;
  std::string action_json;  // the action object as JSON text, empty when none
  std::int64_t created_at = 0;
};

struct Contact {
  std::string name;
  std::vector<std::string> phones;
  std::vector<std::string> aliases;
};

struct Reminder {
  std::int64_t id = 0;
  std::string text;
  std::string datetime;  // "YYYY-MM-DDTHH:MM" in the user's time zone
  std::int64_t created_at = 0;
};

// A login session's dialog state to keep together with a commit of turns (the same as
// Store::save_dialog_state).
struct DialogStateWrite {
  std::string session_id;
  std::int64_t user_id = 0;
  std::string state;
  std::int64_t now = 0;
};

// The outcome of turns handed to Store::queue_turns: done once they are committed (or
// failed). Thread-safe.
class TurnCommit {
 public:
  bool done() const;
  // Blocks until done; then the turns' ids in order, or why none of them was stored.
  Result<std::vector<std::int64_t>> wait() const;
  // Calls `f` once done: at once on this thread when it already is, else on the thread
  // that finishes it (keep `f` short; it must not call the store). A later call replaces
  // a callback that has not run yet.
  void on_done(std::function<void()> f);
  // For stores: the outcome; wakes waiters and runs the callback. Call once.
  void finish(Result<std::vector<std::int64_t>> result);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool done_ = false;
  Result<std::vector<std::int64_t>> result_{std::vector<std::int64_t>{}};
  std::function<void()> on_done_;
};

class Store {
 public:
  virtual ~Store() = default;

  // True when the database answers (for /readyz).
  virtual Result<void> ping() = 0;

  // Users. create_user fails with Errc::email_taken; the find_* with Errc::not_found.
  virtual Result<User> create_user(const std::string& email, const std::string& display_name,
                                   const std::string& password_hash, std::int64_t now) = 0;
  virtual Result<User> find_user_by_email(const std::string& email) = 0;
  virtual Result<User> find_user(std::int64_t id) = 0;
  // Erases the user and everything of theirs: sessions, history, contacts, lists, reminders.
  // Errc::not_found when there is no such user.
  virtual Result<void> delete_user(std::int64_t id) = 0;

  // Login sessions.
  virtual Result<void> create_session(const LoginSession& session) = 0;
  virtual Result<LoginSession> find_session(const std::string& id) = 0;
  // Replaces the refresh hash only if it still equals `old_hash` and the session is not
  // revoked (atomic compare-and-swap); otherwise Errc::invalid_token. On success also sets
  // previous_refresh_hash = old_hash and rotated_at = now.
  virtual Result<void> rotate_refresh(const std::string& session_id, const std::string& old_hash,
                                      const std::string& new_hash, std::int64_t new_expires_at,
                                      std::int64_t now) = 0;
  // Errc::not_found when there is no such session; revoking twice is fine.
  virtual Result<void> revoke_session(const std::string& id) = 0;
  // Deletes login sessions whose refresh token expired before `now`, and revoked ones
  // revoked before `now`; answers how many were removed.
  virtual Result<std::int64_t> delete_expired_sessions(std::int64_t now) = 0;
  // A number that changes whenever this process revokes a session or deletes a user
  // through this store, so a caller that cached "session valid" can re-check at once.
  // Changes made by other processes are not counted: cache validity only briefly. A store
  // that does not count answers 0 always.
  virtual std::uint64_t revocation_epoch() const { return 0; }

  // Failed logins per key, kept in the database so that every process sharing it limits
  // as one: a guesser who spreads tries over several instances waits as if on one. Keys
  // are opaque to the store (auth passes hashes). Counting follows common/backoff.h.
  // Counts one failure of `key` at `now` under `policy`, atomically with any other process
  // doing the same, and answers the key's state after it.
  virtual Result<BackoffState> record_login_failure(const std::string& key, const BackoffPolicy& policy,
                                                    std::int64_t now) = 0;
  // When `key` may try again: its allowed_at, 0 when it has no failures on record.
  virtual Result<std::int64_t> login_allowed_at(const std::string& key) = 0;
  // Forgets `key`'s failures (a successful login); no failures is fine.
  virtual Result<void> clear_login_failures(const std::string& key) = 0;
  // Deletes the counts that stopped counting before `now`; answers how many.
  virtual Result<std::int64_t> delete_expired_login_failures(std::int64_t now) = 0;

  // History, newest first: at most `limit` turns (none when limit <= 0) with an id below
  // `before_id`; `before_id` 0 means from the newest.
  virtual Result<std::int64_t> append_turn(const Turn& turn) = 0;
  // Appends `turns` in order, all or none (one utterance's user and assistant turns), and
  // answers their ids in the same order. Returns once they are committed. The SQLite store
  // commits the turns of concurrent callers together (group commit); this default, for other
  // stores, appends them one by one.
  virtual Result<std::vector<std::int64_t>> append_turns(const std::vector<Turn>& turns) {
    std::vector<std::int64_t> ids;
    ids.reserve(turns.size());
    for (const auto& t : turns) {
      auto id = append_turn(t);
      if (!id) return id.error();
      ids.push_back(*id);
    }
    return ids;
  }
  // Queues `turns` (all or none, in order) for the next commit and returns at once; the
  // ticket tells when they are committed. Turns queued after an earlier call returned are
  // committed after that call's turns, so one caller's turns keep their order. A caller that promised durability (a response
  // sent only after its turns are stored) waits for the ticket before answering. The
  // SQLite store commits everything queued meanwhile in one transaction, on its own
  // thread; this default, for other stores, appends before it returns.
  virtual std::shared_ptr<TurnCommit> queue_turns(std::vector<Turn> turns) {
    auto ticket = std::make_shared<TurnCommit>();
    ticket->finish(append_turns(turns));
    return ticket;
  }
  // queue_turns, and the login session's dialog state kept with them: the SQLite and
  // PostgreSQL stores write it in the turns' transaction (no write of its own per turn; of
  // several states for one session committed together the last is kept, and only under a
  // live login session of that user, as save_dialog_state); this default saves it first. A failed state save does not fail the turns (it costs only the memory
  // across a reconnect, and the next turn's state replaces it).
  virtual std::shared_ptr<TurnCommit> queue_turns_and_state(std::vector<Turn> turns, DialogStateWrite state) {
    (void)save_dialog_state(state.session_id, state.user_id, state.state, state.now);
    return queue_turns(std::move(turns));
  }
  virtual Result<std::vector<Turn>> history(std::int64_t user_id, int limit,
                                            std::int64_t before_id) = 0;
  virtual Result<void> clear_history(std::int64_t user_id) = 0;

  // Contacts: put replaces the whole list.
  virtual Result<void> put_contacts(std::int64_t user_id, const std::vector<Contact>& contacts) = 0;
  virtual Result<std::vector<Contact>> contacts(std::int64_t user_id) = 0;

  // Named lists ("shopping", "todo"; names compare case-insensitively). Items keep their
  // insertion order and their casing; adding an item that is already there
  // (case-insensitive) does nothing and answers false.
  virtual Result<bool> list_add(std::int64_t user_id, const std::string& list, const std::string& item) = 0;
  // False when the item was not on the list.
  virtual Result<bool> list_remove(std::int64_t user_id, const std::string& list, const std::string& item) = 0;
  virtual Result<std::vector<std::string>> list_items(std::int64_t user_id, const std::string& list) = 0;
  virtual Result<void> list_clear(std::int64_t user_id, const std::string& list) = 0;

  // Reminders, ordered by datetime.
  virtual Result<std::int64_t> add_reminder(std::int64_t user_id, const Reminder& reminder) = 0;
  virtual Result<std::vector<Reminder>> reminders(std::int64_t user_id) = 0;
  // Gives the user's reminder `reminder.id` the text and datetime of `reminder` (its
  // created_at stays). False when the user has no reminder with that id: another user's
  // reminder is never changed.
  virtual Result<bool> update_reminder(std::int64_t user_id, const Reminder& reminder) = 0;

  // The conversation's memory of one login session (pending confirmation, open slot
  // question, the context follow-ups use), an opaque text written by dialog; "" when none.
  // Erased with the session and with the user. Lets a reconnect, to this instance or
  // another, go on where the conversation stopped.
  virtual Result<std::string> load_dialog_state(const std::string& session_id) = 0;
  virtual Result<void> save_dialog_state(const std::string& session_id, std::int64_t user_id,
                                         const std::string& state, std::int64_t now) = 0;
};

// Opens (creating if needed) the SQLite database at `path` in WAL mode and applies the
// schema. Throws std::runtime_error when the file cannot be opened (start-up only).
std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path);

struct SqliteOptions {
  // How long a write waits for the lock held by another connection (another process on the
  // same file) before answering Errc::unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // Connections that serve reads concurrently with the single writer (at least 1).
  int readers = 3;
};
std::unique_ptr<Store> open_sqlite(const std::filesystem::path& path, const SqliteOptions& options);

struct PostgresOptions {
  // Connections serving requests; turns and revocation notices have one each besides.
  int pool_size = 4;
  // How long a request waits for a free connection before it answers Errc::unavailable.
  std::chrono::milliseconds acquire_timeout{5000};
};
// Connects to PostgreSQL at `url` (a libpq URI, "postgresql://user@host:port/db", or
// key=value string), applies the migrations the database lacks (under an advisory lock, so
// instances started together take turns) and listens for the revocations other instances
// make (LISTEN/NOTIFY; see revocation_epoch). Several processes may share one database.
// Throws std::runtime_error when the database cannot be reached (start-up only).
std::unique_ptr<Store> open_postgres(const std::string& url, const PostgresOptions& options = {});

}  // namespace hark::store
