#include "auth/password.h"

#include "auth/crypto.h"

#include <sodium.h>

namespace hark::auth::password {

namespace {

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // count every byte that is not a continuation byte
  }
  return n;
}

Error bad_email() { return make_error(Errc::invalid_field, "The email address is not valid."); }

}  // namespace

Result<std::string> normalize_email(const std::string& email) {
  if (email.empty() || email.size() > kMaxEmailBytes) return bad_email();
  const auto at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos) return bad_email();
  const std::string_view local(email.data(), at);
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty()) return bad_email();
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7F) return bad_email();  // spaces and control characters
  }
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad_email();
  }
  std::string out = email;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<void> check_password(const std::string& password) {
  if (utf8_length(password) < kMinLength) {
    return make_error(Errc::invalid_field, "The password must be at least 8 characters long.");
  }
  if (password.size() > kMaxBytes) {
    return make_error(Errc::invalid_field, "The password must be at most 1024 bytes long.");
  }
  return {};
}

Result<std::string> hash(const std::string& password, HashCost cost) {
  crypto::ensure_sodium();
  const bool interactive = cost == HashCost::interactive;
  const unsigned long long ops =
      interactive ? crypto_pwhash_OPSLIMIT_INTERACTIVE : crypto_pwhash_argon2id_OPSLIMIT_MIN;
  const std::size_t mem =
      interactive ? crypto_pwhash_MEMLIMIT_INTERACTIVE : crypto_pwhash_argon2id_MEMLIMIT_MIN;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::internal, "Password hashing ran out of memory.");
  }
  return std::string(out);
}

bool verify(const std::string& encoded_hash, const std::string& password) {
  crypto::ensure_sodium();
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace hark::auth::password
