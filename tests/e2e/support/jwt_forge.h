// Hand-made JSON Web Tokens for the tests that check forged tokens are refused.
#pragma once

#include <string>
#include <string_view>

namespace hark::e2e {

std::string base64url_encode(std::string_view bytes);
std::string base64url_decode(std::string_view text);  // "" when malformed

// "<header>.<payload>.<HS256 signature with key>" of the given JSON texts.
std::string sign_hs256(std::string_view header_json, std::string_view payload_json,
                       std::string_view key);

// The JSON text of a token's payload (second part), "" when malformed.
std::string jwt_payload(std::string_view token);

}  // namespace hark::e2e
