// The few primitives auth needs, all from libsodium. Internal to src/auth.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hark::auth::crypto {

// Initialises libsodium once per process; throws std::runtime_error if it cannot.
void ensure_sodium();

// `bytes` random bytes as url-safe base64 without padding.
std::string random_url_token(std::size_t bytes);

// `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);

// SHA-256 of `data`, lower-case hex.
std::string sha256_hex(std::string_view data);

// HMAC-SHA-256 of `data` under `key`, as url-safe base64 without padding.
std::string hmac_sha256_url(std::string_view key, std::string_view data);

// Compares in time that depends only on the length.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace hark::auth::crypto
