#include "auth/tokens.h"

#include <jwt.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <memory>

namespace hark::auth::tokens {

namespace {

// Far above any token we issue; a bound on the work a stranger can ask of the parser.
constexpr std::size_t kMaxTokenBytes = 4096;

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

// A compact JWS is three base64url parts joined by dots, nothing else. libjwt reads a C
// string, so a NUL (or anything after one) would otherwise be cut off unseen: a token with
// trailing junk must not verify as the token before the junk.
bool well_formed(const std::string& token) {
  int dots = 0;
  for (unsigned char c : token) {
    if (c == '.') {
      ++dots;
    } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_')) {
      return false;
    }
  }
  return dots == 2;
}

Error invalid() { return make_error(Errc::invalid_token, "The access token is invalid or expired."); }

const unsigned char* key_bytes(const std::string& secret) {
  return reinterpret_cast<const unsigned char*>(secret.data());
}

// A grant that must be an integer; libjwt reports absence (or a non-integer) through errno.
bool int_grant(jwt_t* j, const char* name, std::int64_t& out) {
  errno = 0;
  const long value = jwt_get_grant_int(j, name);
  if (errno != 0) return false;
  out = value;
  return true;
}

}  // namespace

Result<std::string> sign_access(const AccessClaims& claims, const std::string& secret) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return make_error(Errc::internal, "Cannot create a token.");
  JwtPtr j(raw);
  const std::string sub = std::to_string(claims.user_id);
  if (jwt_add_grant(j.get(), "sub", sub.c_str()) != 0 ||
      jwt_add_grant(j.get(), "sid", claims.session_id.c_str()) != 0 ||
      jwt_add_grant(j.get(), "email", claims.email.c_str()) != 0 ||
      jwt_add_grant(j.get(), "typ", "access") != 0 ||
      jwt_add_grant_int(j.get(), "iat", static_cast<long>(claims.issued_at)) != 0 ||
      jwt_add_grant_int(j.get(), "exp", static_cast<long>(claims.expires_at)) != 0 ||
      jwt_set_alg(j.get(), JWT_ALG_HS256, key_bytes(secret), static_cast<int>(secret.size())) != 0) {
    return make_error(Errc::internal, "Cannot create a token.");
  }
  char* encoded = jwt_encode_str(j.get());
  if (encoded == nullptr) return make_error(Errc::internal, "Cannot sign a token.");
  std::string out(encoded);
  std::free(encoded);  // libjwt's default allocator is malloc
  return out;
}

Result<AccessClaims> check_access(const std::string& token, const std::string& secret,
                                  std::int64_t now) {
  if (token.empty() || token.size() > kMaxTokenBytes || secret.empty() || !well_formed(token))
    return invalid();
  jwt_t* raw = nullptr;
  // With a key, jwt_decode verifies the signature with the algorithm named in the header;
  // the header is the attacker's, so the algorithm is checked below as well.
  if (jwt_decode(&raw, token.c_str(), key_bytes(secret), static_cast<int>(secret.size())) != 0) {
    if (raw != nullptr) jwt_free(raw);
    return invalid();
  }
  JwtPtr j(raw);
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return invalid();

  const char* typ = jwt_get_grant(j.get(), "typ");
  if (typ == nullptr || std::string_view(typ) != "access") return invalid();

  AccessClaims claims;
  if (!int_grant(j.get(), "exp", claims.expires_at) || now >= claims.expires_at) return invalid();
  int_grant(j.get(), "iat", claims.issued_at);

  const char* sub = jwt_get_grant(j.get(), "sub");
  if (sub == nullptr) return invalid();
  const std::string_view sub_view(sub);
  auto [end, ec] = std::from_chars(sub_view.data(), sub_view.data() + sub_view.size(), claims.user_id);
  if (ec != std::errc() || end != sub_view.data() + sub_view.size() || claims.user_id <= 0) {
    return invalid();
  }

  const char* sid = jwt_get_grant(j.get(), "sid");
  if (sid == nullptr || *sid == '\0') return invalid();
  claims.session_id = sid;
  const char* email = jwt_get_grant(j.get(), "email");
  if (email != nullptr) claims.email = email;
  return claims;
}

}  // namespace hark::auth::tokens
