#include "auth/rate_limit.h"

#include <algorithm>

namespace hark::auth {

namespace {

// Above this many keys, entries whose failures all left the window are dropped, so that a
// stream of made-up emails cannot grow the map without bound.
constexpr std::size_t kSweepAbove = 10000;

}  // namespace

FailureLimiter::FailureLimiter(int max_failures, std::chrono::seconds window)
    : max_failures_(max_failures), window_(std::max<std::int64_t>(window.count(), 0)) {}

std::int64_t FailureLimiter::retry_after(const std::string& key, std::int64_t now) const {
  if (max_failures_ <= 0 || key.empty()) return 0;
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  const auto& times = it->second;
  if (times.size() < static_cast<std::size_t>(max_failures_)) return 0;
  const std::int64_t lifts_at = times.front() + window_;
  return lifts_at > now ? lifts_at - now : 0;
}

void FailureLimiter::record_failure(const std::string& key, std::int64_t now) {
  if (max_failures_ <= 0 || key.empty()) return;
  std::lock_guard lock(mutex_);
  if (failures_.size() > kSweepAbove) sweep(now);
  auto& times = failures_[key];
  while (!times.empty() && times.front() + window_ <= now) times.pop_front();
  times.push_back(now);
  while (times.size() > static_cast<std::size_t>(max_failures_)) times.pop_front();
}

void FailureLimiter::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

void FailureLimiter::sweep(std::int64_t now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || it->second.back() + window_ <= now) {
      it = failures_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace hark::auth
