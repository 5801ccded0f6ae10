// Access tokens: HS256 JWTs made and checked with libjwt. Internal to src/auth.
#pragma once

#include "common/error.h"

#include <cstdint>
#include <string>

namespace hark::auth::tokens {

struct AccessClaims {
  std::int64_t user_id = 0;
  std::string session_id;
  std::string email;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// Errc::internal if libjwt fails (out of memory).
Result<std::string> sign_access(const AccessClaims& claims, const std::string& secret);

// Checks the signature with `secret`, that the algorithm is HS256 (not "none", not another
// algorithm), that typ is "access", and that the token has not expired at `now`.
// Errc::invalid_token otherwise. Says nothing about revocation: the caller asks the store.
Result<AccessClaims> check_access(const std::string& token, const std::string& secret,
                                  std::int64_t now);

}  // namespace hark::auth::tokens
