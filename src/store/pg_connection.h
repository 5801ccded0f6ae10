// A pool of libpqxx connections for the PostgreSQL store, each with the store's prepared
// statements, and the one place where libpqxx exceptions become Errors. Internal to
// src/store; nothing here crosses the module boundary.
#pragma once

#include "common/error.h"

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hark::store::pg {

// A statement prepared on every connection of a pool: callers run it by name only, so no
// SQL is ever built from a value.
struct Prepared {
  const char* name;
  const char* sql;
};

// Opens one connection and prepares `statements` on it. Throws pqxx::broken_connection.
std::unique_ptr<pqxx::connection> connect(const std::string& url,
                                          const std::vector<Prepared>& statements);

// The Error for a libpqxx exception: a lost connection, a busy or shutting-down server, a
// deadlock or a serialization failure are Errc::unavailable (try again), a broken foreign
// key is Errc::not_found (the user is gone), everything else Errc::internal. Only the first
// line of PostgreSQL's message is kept: its DETAIL lines may quote stored values.
Error db_error(const std::exception& e, std::string_view what);

class Pool {
 public:
  // Opens `size` connections (at least 1). Throws std::runtime_error when the first cannot
  // be opened (start-up only).
  Pool(std::string url, int size, std::vector<Prepared> statements,
       std::chrono::milliseconds acquire_timeout);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `f(connection)` on a free connection (waiting up to the acquire timeout, else
  // Errc::unavailable) and maps what it throws with db_error. A connection found broken is
  // opened again on its next use. `f` answers a Result.
  template <class F>
  auto run(std::string_view what, F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    auto slot = acquire();
    if (!slot) return slot.error();
    Release release{*this, *slot};
    try {
      return f(***slot);
    } catch (const std::exception& e) {
      if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) release.broken = true;
      return db_error(e, what);
    }
  }

 private:
  using Slot = std::unique_ptr<pqxx::connection>*;
  struct Release {
    Pool& pool;
    Slot slot;
    bool broken = false;
    ~Release() { pool.release(slot, broken); }
  };
  Result<Slot> acquire();
  void release(Slot slot, bool broken);

  const std::string url_;
  const std::vector<Prepared> statements_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> connections_;  // null: to be reopened
  std::vector<Slot> free_;
};

}  // namespace hark::store::pg
