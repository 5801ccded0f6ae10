#include "store/pg_connection.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace hark::store::pg {

std::unique_ptr<pqxx::connection> connect(const std::string& url,
                                          const std::vector<Prepared>& statements) {
  auto conn = std::make_unique<pqxx::connection>(url);
  for (const auto& s : statements) conn->prepare(s.name, s.sql);
  return conn;
}

Error db_error(const std::exception& e, std::string_view what) {
  std::string message = e.what();
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  std::string detail = std::string(what) + ": " + message;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return make_error(Errc::unavailable, detail);
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) {
    return make_error(Errc::not_found, "No such user.");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    // 08: connection exception, 40: rollback, 53: insufficient resources,
    // 57: operator intervention (shutting down, cannot connect now), 55P03: lock not available.
    if (state.starts_with("08") || state.starts_with("40") || state.starts_with("53") ||
        state.starts_with("57") || state == "55P03") {
      return make_error(Errc::unavailable, detail);
    }
  }
  return make_error(Errc::internal, detail);
}

Pool::Pool(std::string url, int size, std::vector<Prepared> statements,
           std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)), statements_(std::move(statements)), acquire_timeout_(acquire_timeout) {
  connections_.resize(static_cast<std::size_t>(std::max(size, 1)));
  try {
    for (auto& c : connections_) c = connect(url_, statements_);
  } catch (const std::exception& e) {
    throw std::runtime_error(db_error(e, "cannot connect to PostgreSQL").detail);
  }
  for (auto& c : connections_) free_.push_back(&c);
}

Result<Pool::Slot> Pool::acquire() {
  Slot slot = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, acquire_timeout_, [&] { return !free_.empty(); })) {
      return make_error(Errc::unavailable, "All database connections are busy.");
    }
    slot = free_.back();
    free_.pop_back();
  }
  if (*slot && !(*slot)->is_open()) slot->reset();
  if (!*slot) {
    try {
      *slot = connect(url_, statements_);
    } catch (const std::exception& e) {
      release(slot, true);
      return db_error(e, "cannot reconnect to PostgreSQL");
    }
  }
  return slot;
}

void Pool::release(Slot slot, bool broken) {
  if (broken) slot->reset();
  {
    std::lock_guard lock(mutex_);
    free_.push_back(slot);
  }
  cv_.notify_one();
}

}  // namespace hark::store::pg
