#include "auth/login_limits.h"

#include "auth/crypto.h"
#include "auth/password.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hark::auth {

namespace {

// Emails as the limiter keys them: case does not make a new key. Not validated, so a
// malformed email is limited like any other.
std::string email_key(const std::string& email) {
  std::string out = "email:";
  for (char c : password::trim(email)) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// One account as tried from one address.
std::string account_key(const std::string& email, const std::string& client) {
  return email_key(email) + "|" + client;
}

// The store keeps no email or address: only this hash of the key.
std::string stored(const std::string& key) { return "login:" + crypto::sha256_hex(key); }

}  // namespace

std::string client_key(const std::string& client) {
  return client.empty() ? std::string() : "client:" + client;
}

LoginLimits::LoginLimits(const Options& o, store::Store& store)
    : store_(store),
      account_(o.max_failures, o.backoff_base, o.backoff_max, o.failure_window),
      client_(o.max_client_failures, o.backoff_base, o.backoff_max, o.failure_window) {}

std::int64_t LoginLimits::shared_retry_after(const std::string& key, std::int64_t now) const {
  auto allowed_at = store_.login_allowed_at(stored(key));
  if (!allowed_at) {
    spdlog::warn("auth: cannot read the failed logins, limiting by this instance's only: {}",
                 allowed_at.error().detail);
    return 0;
  }
  return *allowed_at > now ? *allowed_at - now : 0;
}

bool LoginLimits::limited(const std::string& email, const std::string& client, std::int64_t now) const {
  const std::string akey = account_key(email, client);
  const std::string ckey = client_key(client);
  if (account_.retry_after(akey, now) > 0 || client_.retry_after(ckey, now) > 0) return true;
  return retry_after(email, client, now) > 0;
}

std::int64_t LoginLimits::retry_after(const std::string& email, const std::string& client,
                                      std::int64_t now) const {
  const std::string akey = account_key(email, client);
  const std::string ckey = client_key(client);
  std::int64_t wait = std::max(account_.retry_after(akey, now), client_.retry_after(ckey, now));
  if (account_.policy().free_failures > 0) wait = std::max(wait, shared_retry_after(akey, now));
  if (client_.policy().free_failures > 0 && !ckey.empty())
    wait = std::max(wait, shared_retry_after(ckey, now));
  return wait;
}

void LoginLimits::record_failure(const std::string& email, const std::string& client, std::int64_t now) {
  const std::string akey = account_key(email, client);
  const std::string ckey = client_key(client);
  // The store's count is the truth and the memory copy takes it; a store that cannot
  // count leaves this instance counting alone.
  auto share = [&](const std::string& key, BackoffLimiter& local) {
    if (local.policy().free_failures <= 0 || key.empty()) return;
    auto recorded = store_.record_login_failure(stored(key), local.policy(), now);
    if (recorded) return local.adopt(key, *recorded, now);
    spdlog::warn("auth: cannot count the failed login for other instances: {}", recorded.error().detail);
    local.record_failure(key, now);
  };
  share(akey, account_);
  share(ckey, client_);
}

void LoginLimits::succeeded(const std::string& email, const std::string& client) {
  const std::string akey = account_key(email, client);
  account_.reset(akey);
  if (account_.policy().free_failures <= 0) return;
  if (auto cleared = store_.clear_login_failures(stored(akey)); !cleared)
    spdlog::warn("auth: cannot clear the failed logins: {}", cleared.error().detail);
}

Result<std::int64_t> LoginLimits::sweep(std::int64_t now) { return store_.delete_expired_login_failures(now); }

}  // namespace hark::auth
