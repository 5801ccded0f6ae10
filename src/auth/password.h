// Password rules and Argon2id hashing. Internal to src/auth.
#pragma once

#include "auth/auth.h"
#include "common/error.h"

#include <string>

namespace hark::auth::password {

inline constexpr std::size_t kMinLength = 8;      // characters (code points)
inline constexpr std::size_t kMaxBytes = 1024;    // bounds the hashing work per request
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxDisplayNameBytes = 200;

// Errc::invalid_field unless `email` looks like a deliverable address: one '@', a
// non-empty local part, a domain with a dot, no spaces or control characters. Answers the
// address in lower case.
Result<std::string> normalize_email(const std::string& email);

// `s` without leading and trailing spaces, tabs and line ends (what a form field carries
// around an email or a name).
std::string trim(const std::string& s);

// Errc::invalid_field unless 8..1024. The detail never contains the password.
Result<void> check_password(const std::string& password);

// libsodium's encoded Argon2id string. Errc::internal when out of memory.
Result<std::string> hash(const std::string& password, HashCost cost);

// False for a wrong password or a malformed hash.
bool verify(const std::string& encoded_hash, const std::string& password);

}  // namespace hark::auth::password
