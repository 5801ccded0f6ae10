#include "common/backoff.h"

#include <algorithm>

namespace hark {

std::int64_t backoff_expires_at(const BackoffState& s, const BackoffPolicy& p) {
  return std::max(s.allowed_at, s.last) + std::max<std::int64_t>(p.forget_after, 0);
}

bool backoff_forgotten(const BackoffState& s, const BackoffPolicy& p, std::int64_t now) {
  return backoff_expires_at(s, p) <= now;
}

BackoffState backoff_after_failure(BackoffState s, const BackoffPolicy& p, std::int64_t now) {
  if (s.failures > 0 && backoff_forgotten(s, p, now)) s = BackoffState{};
  ++s.failures;
  s.last = now;
  const int over = s.failures - p.free_failures;
  if (p.free_failures > 0 && over > 0) {
    const std::int64_t base = std::max<std::int64_t>(p.base, 1);
    const std::int64_t max_delay = std::max<std::int64_t>(p.max_delay, 1);
    // base * 2^(over-1), computed without overflow.
    std::int64_t delay = base;
    for (int i = 1; i < over && delay < max_delay; ++i) delay *= 2;
    s.allowed_at = std::max(s.allowed_at, now + std::min(delay, max_delay));
  }
  return s;
}

}  // namespace hark
