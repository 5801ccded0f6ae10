// Failed-login limits: one account from one address, and one address whatever the
// accounts (fair behind NAT: a guesser cannot lock the owner out from elsewhere). The
// counts live in the store, so every instance on a shared database limits as one; a copy
// of the store's answers in this process's memory answers first, so a guesser already
// waiting costs no database read (the copy is never stricter than the store: a count is
// cleared only by a login the store let through, after any wait it knew had ended). Internal to src/auth. Thread-safe; methods that touch the store block.
#pragma once

#include "auth/auth.h"
#include "auth/rate_limit.h"
#include "store/store.h"

#include <cstdint>
#include <string>

namespace hark::auth {

// The key of an address ("client:<address>"; empty for no address: not limited).
std::string client_key(const std::string& client);

class LoginLimits {
 public:
  // REQUIRES: `store` outlives this.
  LoginLimits(const Options& options, store::Store& store);

  // True when (`email`, `client`) must wait at `now`. The memory copy answers first; a
  // database that cannot be read leaves only that copy (logged).
  bool limited(const std::string& email, const std::string& client, std::int64_t now) const;
  // Seconds until (`email`, `client`) may try again, 0 when it may (for Retry-After).
  std::int64_t retry_after(const std::string& email, const std::string& client, std::int64_t now) const;
  void record_failure(const std::string& email, const std::string& client, std::int64_t now);
  // A successful login forgets the account's count at that address; the address's own
  // count stays (it may be trying many accounts).
  void succeeded(const std::string& email, const std::string& client);
  // Deletes the counts in the store that no longer limit anything.
  Result<std::int64_t> sweep(std::int64_t now);

 private:
  std::int64_t shared_retry_after(const std::string& key, std::int64_t now) const;

  store::Store& store_;
  BackoffLimiter account_;  // keyed on account and address
  BackoffLimiter client_;   // keyed on address
};

}  // namespace hark::auth
