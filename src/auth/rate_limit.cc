#include "auth/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace hark::auth {

namespace {

// Above this many keys, entries that no longer limit anything are dropped, so that a
// stream of made-up emails or addresses cannot grow a map without bound.
constexpr std::size_t kSweepAbove = 10000;

}  // namespace

BackoffLimiter::BackoffLimiter(int free_failures, std::chrono::seconds base,
                               std::chrono::seconds max_delay, std::chrono::seconds forget_after)
    : policy_{free_failures, std::max<std::int64_t>(base.count(), 1),
              std::max<std::int64_t>(max_delay.count(), 1),
              std::max<std::int64_t>(forget_after.count(), 0)} {}

BackoffState& BackoffLimiter::entry(const std::string& key, std::int64_t now) {
  if (entries_.size() > kSweepAbove) {
    std::erase_if(entries_, [&](const auto& kv) { return backoff_forgotten(kv.second, policy_, now); });
  }
  return entries_[key];
}

std::int64_t BackoffLimiter::retry_after(const std::string& key, std::int64_t now) const {
  if (policy_.free_failures <= 0 || key.empty()) return 0;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  return it->second.allowed_at > now ? it->second.allowed_at - now : 0;
}

void BackoffLimiter::record_failure(const std::string& key, std::int64_t now) {
  if (policy_.free_failures <= 0 || key.empty()) return;
  std::lock_guard lock(mutex_);
  BackoffState& e = entry(key, now);
  e = backoff_after_failure(e, policy_, now);
}

void BackoffLimiter::adopt(const std::string& key, const BackoffState& state, std::int64_t now) {
  if (policy_.free_failures <= 0 || key.empty()) return;
  std::lock_guard lock(mutex_);
  entry(key, now) = state;
}

void BackoffLimiter::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

KeyedRate::KeyedRate(double per_hour, double burst)
    : per_second_(per_hour / 3600.0), burst_(std::max(burst, 1.0)) {}

double KeyedRate::level(const Bucket& b, std::int64_t now) const {
  return std::min(burst_, b.tokens + per_second_ * static_cast<double>(std::max<std::int64_t>(now - b.at, 0)));
}

bool KeyedRate::take(const std::string& key, std::int64_t now) {
  if (per_second_ <= 0 || key.empty()) return true;
  std::lock_guard lock(mutex_);
  if (buckets_.size() > kSweepAbove)
    std::erase_if(buckets_, [&](const auto& kv) { return level(kv.second, now) >= burst_; });
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  const double tokens = level(b, now);
  if (tokens < 1.0) return false;
  b.tokens = tokens - 1.0;
  b.at = now;
  return true;
}

std::int64_t KeyedRate::retry_after(const std::string& key, std::int64_t now) const {
  if (per_second_ <= 0 || key.empty()) return 0;
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  const double tokens = level(it->second, now);
  if (tokens >= 1.0) return 0;
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / per_second_));
}

}  // namespace hark::auth
