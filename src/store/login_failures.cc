#include "store/login_failures.h"

namespace hark::store {

namespace sqlite {

Result<BackoffState> record_login_failure(Connection& writer, const std::string& key,
                                          const BackoffPolicy& policy, std::int64_t now) {
  auto tx = Transaction::begin(writer);
  if (!tx) return tx.error();
  BackoffState state;
  {
    auto s = writer.prepare("SELECT failures, allowed_at, last_failure FROM login_failures WHERE key_hash = ?1");
    if (!s) return s.error();
    s->bind(1, key);
    auto row = s->step();
    if (!row) return row.error();
    if (*row) state = {static_cast<int>(s->column_int(0)), s->column_int(1), s->column_int(2)};
  }
  state = backoff_after_failure(state, policy, now);
  auto s = writer.prepare(
      "INSERT INTO login_failures (key_hash, failures, allowed_at, last_failure, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key_hash) DO UPDATE SET failures = excluded.failures, "
      "allowed_at = excluded.allowed_at, last_failure = excluded.last_failure, "
      "expires_at = excluded.expires_at");
  if (!s) return s.error();
  s->bind(1, key).bind(2, std::int64_t{state.failures}).bind(3, state.allowed_at).bind(4, state.last);
  s->bind(5, backoff_expires_at(state, policy));
  if (auto done = s->run(); !done) return done.error();
  if (auto committed = tx->commit(); !committed) return committed.error();
  return state;
}

Result<std::int64_t> login_allowed_at(Connection& conn, const std::string& key) {
  auto s = conn.prepare("SELECT allowed_at FROM login_failures WHERE key_hash = ?1");
  if (!s) return s.error();
  s->bind(1, key);
  auto row = s->step();
  if (!row) return row.error();
  return *row ? s->column_int(0) : std::int64_t{0};
}

Result<void> clear_login_failures(Connection& writer, const std::string& key) {
  auto s = writer.prepare("DELETE FROM login_failures WHERE key_hash = ?1");
  if (!s) return s.error();
  return s->bind(1, key).run();
}

Result<std::int64_t> delete_expired_login_failures(Connection& writer, std::int64_t now) {
  auto s = writer.prepare("DELETE FROM login_failures WHERE expires_at < ?1");
  if (!s) return s.error();
  if (auto done = s->bind(1, now).run(); !done) return done.error();
  return static_cast<std::int64_t>(s->changes());
}

}  // namespace sqlite

namespace pg {

std::vector<Prepared> login_failure_statements() {
  return {
      {"login_failure_row",
       "INSERT INTO login_failures (key_hash, failures, allowed_at, last_failure, expires_at) "
       "VALUES ($1, 0, 0, 0, 0) ON CONFLICT (key_hash) DO NOTHING"},
      {"login_failure_lock",
       "SELECT failures, allowed_at, last_failure FROM login_failures WHERE key_hash = $1 FOR UPDATE"},
      {"login_failure_set",
       "UPDATE login_failures SET failures = $2, allowed_at = $3, last_failure = $4, expires_at = $5 "
       "WHERE key_hash = $1"},
      {"login_allowed_at", "SELECT allowed_at FROM login_failures WHERE key_hash = $1"},
      {"clear_login_failures", "DELETE FROM login_failures WHERE key_hash = $1"},
      {"delete_expired_login_failures", "DELETE FROM login_failures WHERE expires_at < $1"},
  };
}

Result<BackoffState> record_login_failure(pqxx::connection& c, const std::string& key,
                                          const BackoffPolicy& policy, std::int64_t now) {
  pqxx::work tx(c);
  // The row exists before it is locked: two first failures at once wait on one row.
  tx.exec_prepared("login_failure_row", key);
  const auto row = tx.exec_prepared1("login_failure_lock", key);
  BackoffState state{row[0].as<int>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>()};
  state = backoff_after_failure(state, policy, now);
  tx.exec_prepared("login_failure_set", key, state.failures, state.allowed_at, state.last,
                   backoff_expires_at(state, policy));
  tx.commit();
  return state;
}

Result<std::int64_t> login_allowed_at(pqxx::connection& c, const std::string& key) {
  pqxx::nontransaction tx(c);
  const auto r = tx.exec_prepared("login_allowed_at", key);
  return r.empty() ? std::int64_t{0} : r[0][0].as<std::int64_t>();
}

Result<void> clear_login_failures(pqxx::connection& c, const std::string& key) {
  pqxx::nontransaction tx(c);
  tx.exec_prepared("clear_login_failures", key);
  return {};
}

Result<std::int64_t> delete_expired_login_failures(pqxx::connection& c, std::int64_t now) {
  pqxx::nontransaction tx(c);
  return static_cast<std::int64_t>(tx.exec_prepared("delete_expired_login_failures", now).affected_rows());
}

}  // namespace pg

}  // namespace hark::store
