#include "auth/auth.h"

#include "auth/crypto.h"
#include "auth/login_limits.h"
#include "auth/password.h"
#include "auth/rate_limit.h"
#include "auth/tokens.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace hark::auth {

namespace {

constexpr std::size_t kSessionIdBytes = 16;
constexpr std::size_t kRefreshBytes = 32;
// Far above any refresh token we issue ("<22 chars>.<43 chars>").
constexpr std::size_t kMaxRefreshBytes = 256;

Error bad_credentials() {
  return make_error(Errc::invalid_credentials, "Incorrect email or password.");
}

Error bad_refresh() {
  return make_error(Errc::invalid_token, "The refresh token is invalid or expired.");
}

}  // namespace

struct AuthService::Impl {
  Impl(Options o, store::Store& s, Clock& c)
      : options(std::move(o)),
        store(s),
        clock(c),
        logins(options, s),
        registrations(options.registrations_per_hour, options.registration_burst) {
    if (options.secret.empty()) throw std::runtime_error("auth: the token secret is empty");
    crypto::ensure_sodium();
    // Logins for unknown emails verify against this, so they cost what a real check costs.
    auto dummy = password::hash(crypto::random_hex(16), options.hash_cost);
    if (!dummy) throw std::runtime_error("auth: " + dummy.error().detail);
    dummy_hash = std::move(*dummy);
  }

  Result<store::User> create(const std::string& email, const std::string& pass,
                             const std::string& display_name) {
    auto normalized = password::normalize_email(email);
    if (!normalized) return normalized.error();
    auto ok = password::check_password(pass);
    if (!ok) return ok.error();
    std::string name = password::trim(display_name);
    if (name.empty()) name = email.substr(0, email.find('@'));  // as typed, case kept
    if (name.size() > password::kMaxDisplayNameBytes) {
      return make_error(Errc::invalid_field, "The display name is too long.");
    }
    auto hashed = password::hash(pass, options.hash_cost);
    if (!hashed) return hashed.error();
    return store.create_user(*normalized, name, *hashed, clock.unix_now());
  }

  // A new refresh token for `session_id`: "<session id>.<random>".
  static std::string new_refresh(const std::string& session_id) {
    return session_id + "." + crypto::random_url_token(kRefreshBytes);
  }

  // The refresh token that follows `token` in its session: HMAC of it under the secret,
  // so a retry can compute the same one again and the store keeps only hashes.
  std::string next_refresh(const std::string& session_id, const std::string& token) const {
    return session_id + "." + crypto::hmac_sha256_url(options.secret, "refresh-rotation:" + token);
  }

  // `issued_at` is when the pair was first made: a retry gets the identical access token.
  Result<TokenPair> pair_for(const store::User& user, const std::string& session_id,
                             std::string refresh_token, std::int64_t issued_at, std::int64_t now) {
    tokens::AccessClaims claims;
    claims.user_id = user.id;
    claims.session_id = session_id;
    claims.email = user.email;
    claims.issued_at = issued_at;
    claims.expires_at = issued_at + options.access_ttl.count();
    auto access = tokens::sign_access(claims, options.secret);
    if (!access) return access.error();
    TokenPair out;
    out.access_token = std::move(*access);
    out.refresh_token = std::move(refresh_token);
    out.expires_in = std::max<std::int64_t>(claims.expires_at - now, 1);
    return out;
  }

  Options options;
  store::Store& store;
  Clock& clock;
  LoginLimits logins;
  KeyedRate registrations;         // keyed on address
  std::string dummy_hash;
};

AuthService::AuthService(Options options, store::Store& store, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), store, clock)) {}

AuthService::~AuthService() = default;

Result<store::User> AuthService::register_user(const std::string& email, const std::string& password,
                                               const std::string& display_name,
                                               const std::string& client) {
  if (!impl_->options.allow_register) {
    return make_error(Errc::forbidden, "Registration is turned off on this server.");
  }
  // Counted once the request is well formed, just before the costly hash: a malformed one
  // costs nothing and is told why.
  auto normalized = password::normalize_email(email);
  if (!normalized) return normalized.error();
  if (auto ok = password::check_password(password); !ok) return ok.error();
  if (!impl_->registrations.take(client_key(client), impl_->clock.unix_now()))
    return make_error(Errc::rate_limited, "Too many registrations from this address. Try again later.");
  return impl_->create(email, password, display_name);
}

Result<store::User> AuthService::create_user(const std::string& email, const std::string& password,
                                             const std::string& display_name) {
  return impl_->create(email, password, display_name);
}

Result<TokenPair> AuthService::login(const std::string& email, const std::string& pass,
                                     const std::string& client) {
  Impl& d = *impl_;
  const std::int64_t now = d.clock.unix_now();
  if (d.logins.limited(email, client, now)) {
    return make_error(Errc::rate_limited, "Too many failed logins. Try again later.");
  }

  auto fail = [&]() -> Error {
    d.logins.record_failure(email, client, now);
    return bad_credentials();
  };

  // A malformed email, an unknown one and a wrong password all do one Argon2id check and
  // answer the same words, so neither the answer nor its timing tells whether an account
  // exists.
  auto normalized = password::normalize_email(password::trim(email));
  Result<store::User> user = make_error(Errc::not_found, "");
  if (normalized) user = d.store.find_user_by_email(*normalized);
  if (!user) {
    if (user.error().code != Errc::not_found) return user.error();  // store trouble
    password::verify(d.dummy_hash, pass);
    return fail();
  }
  if (!password::verify(user->password_hash, pass)) return fail();

  d.logins.succeeded(email, client);

  store::LoginSession session;
  session.id = crypto::random_url_token(kSessionIdBytes);
  session.user_id = user->id;
  std::string refresh = Impl::new_refresh(session.id);
  session.refresh_hash = crypto::sha256_hex(refresh);
  session.created_at = now;
  session.expires_at = now + d.options.refresh_ttl.count();
  auto created = d.store.create_session(session);
  if (!created) return created.error();
  return d.pair_for(*user, session.id, std::move(refresh), now, now);
}

Result<TokenPair> AuthService::refresh(const std::string& refresh_token) {
  Impl& d = *impl_;
  if (refresh_token.empty() || refresh_token.size() > kMaxRefreshBytes) return bad_refresh();
  const auto dot = refresh_token.find('.');
  if (dot == 0 || dot == std::string::npos) return bad_refresh();
  const std::string session_id = refresh_token.substr(0, dot);

  const std::string presented_hash = crypto::sha256_hex(refresh_token);
  const std::string next = d.next_refresh(session_id, refresh_token);
  const std::string next_hash = crypto::sha256_hex(next);
  // Twice at most: when a concurrent refresh with the same token wins the swap, the
  // session is read again and this call answers as that one's retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto session = d.store.find_session(session_id);
    if (!session) {
      if (session.error().code == Errc::not_found) return bad_refresh();
      return session.error();
    }
    if (session->revoked) return bad_refresh();
    const std::int64_t now = d.clock.unix_now();
    const bool current = crypto::equal_constant_time(presented_hash, session->refresh_hash);
    const bool retry = !current && d.options.refresh_grace.count() > 0 &&
                       crypto::equal_constant_time(presented_hash, session->previous_refresh_hash) &&
                       crypto::equal_constant_time(next_hash, session->refresh_hash) &&
                       now - session->rotated_at <= d.options.refresh_grace.count();
    if (!current && !retry) {
      // An older token of this session: someone kept a copy. Whoever it is, the session
      // can no longer be trusted, so it ends for both the thief and the owner.
      spdlog::warn("auth: a rotated refresh token was presented again; its login session is revoked");
      auto revoked = d.store.revoke_session(session_id);
      if (!revoked && revoked.error().code != Errc::not_found) return revoked.error();
      return bad_refresh();
    }
    if (now >= session->expires_at) return bad_refresh();
    auto user = d.store.find_user(session->user_id);
    if (!user) {
      if (user.error().code == Errc::not_found) return bad_refresh();
      return user.error();
    }
    // The same pair again: the access token as issued at the rotation.
    if (retry) return d.pair_for(*user, session_id, next, session->rotated_at, now);
    auto rotated = d.store.rotate_refresh(session_id, presented_hash, next_hash,
                                          now + d.options.refresh_ttl.count(), now);
    if (rotated) return d.pair_for(*user, session_id, next, now, now);
    // invalid_token: a concurrent refresh with the same token won the swap.
    if (rotated.error().code != Errc::invalid_token) return rotated.error();
  }
  return bad_refresh();
}

Result<std::int64_t> AuthService::delete_expired_sessions() {
  const std::int64_t now = impl_->clock.unix_now();
  if (auto swept = impl_->logins.sweep(now); !swept)
    spdlog::warn("auth: deleting old failed-login counts failed: {}", swept.error().detail);
  return impl_->store.delete_expired_sessions(now);
}

Result<Principal> AuthService::verify(const std::string& access_token) {
  Impl& d = *impl_;
  auto claims = tokens::check_access(access_token, d.options.secret, d.clock.unix_now());
  if (!claims) return claims.error();
  // The signature proves we issued the token; the store says whether its login still
  // stands (logout and account deletion take effect here, before the token expires).
  auto session = d.store.find_session(claims->session_id);
  if (!session) {
    if (session.error().code == Errc::not_found) {
      return make_error(Errc::invalid_token, "The access token is invalid or expired.");
    }
    return session.error();
  }
  if (session->revoked || session->user_id != claims->user_id) {
    return make_error(Errc::invalid_token, "The access token is invalid or expired.");
  }
  return Principal{claims->user_id, claims->session_id, claims->email};
}

Result<void> AuthService::logout(const Principal& who) {
  auto r = impl_->store.revoke_session(who.session_id);
  if (!r && r.error().code != Errc::not_found) return r.error();
  return {};
}

Result<void> AuthService::delete_account(const Principal& who) {
  auto r = impl_->store.delete_user(who.user_id);
  if (!r && r.error().code != Errc::not_found) return r.error();
  return {};
}

std::int64_t AuthService::retry_after(const std::string& email, const std::string& client) const {
  return impl_->logins.retry_after(email, client, impl_->clock.unix_now());
}

std::int64_t AuthService::register_retry_after(const std::string& client) const {
  return impl_->registrations.retry_after(client_key(client), impl_->clock.unix_now());
}

}  // namespace hark::auth
