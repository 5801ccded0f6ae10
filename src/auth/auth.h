// Accounts, logins and tokens. Passwords are Argon2id hashes (libsodium); access tokens
// are HS256 JWTs (libjwt) that name the user and the login session, so that logout and
// account deletion revoke them at once. Thread-safe. register_user/login hash passwords
// (tens of milliseconds of CPU): call them from a worker thread.
#pragma once

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace hark::auth {

// How much work one password hash costs.
enum class HashCost {
  // libsodium's OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes over 64 MiB): the
  // production setting.
  interactive,
  // Argon2id's minimum (1 pass, 8 KiB). Only for tests, which hash many passwords; never
  // use it for real accounts.
  minimum,
};

struct Options {
  // HMAC key for tokens; load_or_create_secret() gives one kept in the data directory.
  std::string secret;
  // Lifetime of an access token.
  std::chrono::seconds access_ttl{3600};
  // Lifetime of a refresh token (each refresh issues a new one).
  std::chrono::seconds refresh_ttl{std::chrono::hours(24 * 30)};
  // The refresh token just rotated away, presented again within this time of its rotation
  // (a client retry, two tabs), gets the same new pair instead of ending the session. 0
  // turns the grace off. Later reuse still revokes the whole login session.
  std::chrono::seconds refresh_grace{30};
  // When false, POST /auth/register answers 403 and users are made with `hark user add`.
  bool allow_register = true;
  // Failed logins for one account from one address before each further failure makes
  // that account-at-that-address wait (Errc::rate_limited) with exponential back-off:
  // backoff_base, twice that, ... up to backoff_max. Keyed on the pair, so a guesser
  // cannot lock the owner out from another address. 0 turns it off. The counts are kept in
  // the store, so instances sharing a database limit as one.
  int max_failures = 5;
  // Failed logins from one address, whatever the accounts, before that address backs
  // off likewise (many users may share an address behind NAT: keep it generous).
  int max_client_failures = 50;
  std::chrono::seconds backoff_base{1};
  std::chrono::seconds backoff_max{300};
  // A key with no failure for this long (after its wait ends) starts over.
  std::chrono::seconds failure_window{900};
  // Registrations per client address: this many per hour sustained, bursts of
  // registration_burst. Over it: Errc::rate_limited. 0 turns it off.
  double registrations_per_hour = 30;
  double registration_burst = 10;
  // Cost of hashing a password (register) and of checking one (login uses the cost stored
  // in the user's hash; the dummy hash for unknown emails uses this cost).
  HashCost hash_cost = HashCost::interactive;
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // seconds, of the access token
};

// Who a valid access token speaks for.
struct Principal {
  std::int64_t user_id = 0;
  std::string session_id;
  std::string email;
};

class AuthService {
 public:
  // REQUIRES: `store` and `clock` outlive the service; options.secret is not empty.
  AuthService(Options options, store::Store& store, Clock& clock);
  ~AuthService();

  // Errc::invalid_field (malformed email, password under 8 characters),
  // Errc::email_taken, Errc::forbidden (registration turned off).
  // Errc::rate_limited when `client` (the caller's address) registered too often.
  Result<store::User> register_user(const std::string& email, const std::string& password,
                                    const std::string& display_name,
                                    const std::string& client = {});
  // Like register_user but ignores allow_register (for the command line).
  Result<store::User> create_user(const std::string& email, const std::string& password,
                                  const std::string& display_name);

  // Errc::invalid_credentials whether the email exists or not (same work either way),
  // Errc::rate_limited after too many failures; `client` is the caller's address.
  Result<TokenPair> login(const std::string& email, const std::string& password,
                          const std::string& client);
  // Rotation: the presented refresh token stops working. Errc::invalid_token.
  // The new refresh token is derived from the old one (HMAC under the secret), so a retry
  // of the old token within Options::refresh_grace answers the very same pair without
  // anything secret being stored. Presenting a refresh token rotated away longer ago (or
  // two rotations ago) revokes the whole login session (a stolen token and its owner
  // cannot both keep using it).
  Result<TokenPair> refresh(const std::string& refresh_token);
  // Deletes login sessions that expired or were revoked (run periodically); answers how
  // many were removed. Also deletes failed-login counts that no longer limit anything.
  Result<std::int64_t> delete_expired_sessions();
  // Errc::invalid_token for a malformed, forged, expired or revoked token.
  Result<Principal> verify(const std::string& access_token);
  // Revokes the login session: its access and refresh tokens stop working at once.
  Result<void> logout(const Principal& who);
  // Erases the user and everything of theirs; every token of theirs stops working.
  Result<void> delete_account(const Principal& who);

  // Seconds until `client`/`email` may try again, 0 when not limited (for Retry-After).
  std::int64_t retry_after(const std::string& email, const std::string& client) const;
  // Seconds until `client` may register again, 0 when it may now.
  std::int64_t register_retry_after(const std::string& client) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the token secret from `data_dir/secret.key`, creating it (32 random bytes,
// mode 0600) on first start, so tokens survive a restart. Throws std::runtime_error.
std::string load_or_create_secret(const std::filesystem::path& data_dir);

}  // namespace hark::auth
