// Failed-login counts (Store::record_login_failure and friends) on SQLite and on
// PostgreSQL, kept out of the two stores' main files. Internal to src/store.
#pragma once

#include "common/backoff.h"
#include "common/error.h"
#include "store/pg_connection.h"
#include "store/sqlite_connection.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hark::store {

namespace sqlite {
// On the writer connection; the caller holds the writer's mutex. The read and the write
// share one BEGIN IMMEDIATE transaction, so another process on the file cannot interleave.
Result<BackoffState> record_login_failure(Connection& writer, const std::string& key,
                                          const BackoffPolicy& policy, std::int64_t now);
Result<std::int64_t> login_allowed_at(Connection& conn, const std::string& key);
Result<void> clear_login_failures(Connection& writer, const std::string& key);
Result<std::int64_t> delete_expired_login_failures(Connection& writer, std::int64_t now);
}  // namespace sqlite

namespace pg {
// Statements the functions below run; prepare them on the pool's connections.
std::vector<Prepared> login_failure_statements();
// The row is locked (SELECT ... FOR UPDATE) from read to write: concurrent failures of one
// key on several instances are counted one after the other. Throw pqxx exceptions (run
// them inside Pool::run).
Result<BackoffState> record_login_failure(pqxx::connection& c, const std::string& key,
                                          const BackoffPolicy& policy, std::int64_t now);
Result<std::int64_t> login_allowed_at(pqxx::connection& c, const std::string& key);
Result<void> clear_login_failures(pqxx::connection& c, const std::string& key);
Result<std::int64_t> delete_expired_login_failures(pqxx::connection& c, std::int64_t now);
}  // namespace pg

}  // namespace hark::store
