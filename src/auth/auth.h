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
  // When false, POST /auth/register answers 403 and users are made with `hark user add`.
  bool allow_register = true;
  // Failed logins allowed per email and per client address within `failure_window`
  // before further attempts answer Errc::rate_limited.
  int max_failures = 5;
  std::chrono::seconds failure_window{300};
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
  Result<store::User> register_user(const std::string& email, const std::string& password,
                                    const std::string& display_name);
  // Like register_user but ignores allow_register (for the command line).
  Result<store::User> create_user(const std::string& email, const std::string& password,
                                  const std::string& display_name);

  // Errc::invalid_credentials whether the email exists or not (same work either way),
  // Errc::rate_limited after too many failures; `client` is the caller's address.
  Result<TokenPair> login(const std::string& email, const std::string& password,
                          const std::string& client);
  // Rotation: the presented refresh token stops working. Errc::invalid_token.
  // Presenting a refresh token that was already rotated away revokes the whole login
  // session (a stolen token and its owner cannot both keep using it).
  Result<TokenPair> refresh(const std::string& refresh_token);
  // Errc::invalid_token for a malformed, forged, expired or revoked token.
  Result<Principal> verify(const std::string& access_token);
  // Revokes the login session: its access and refresh tokens stop working at once.
  Result<void> logout(const Principal& who);
  // Erases the user and everything of theirs; every token of theirs stops working.
  Result<void> delete_account(const Principal& who);

  // Seconds until `client`/`email` may try again, 0 when not limited (for Retry-After).
  std::int64_t retry_after(const std::string& email, const std::string& client) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the token secret from `data_dir/secret.key`, creating it (32 random bytes,
// mode 0600) on first start, so tokens survive a restart. Throws std::runtime_error.
std::string load_or_create_secret(const std::filesystem::path& data_dir);

}  // namespace hark::auth
