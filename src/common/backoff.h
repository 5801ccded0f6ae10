// Exponential back-off after repeated failures, as one pure step, so that a count kept in
// memory (auth's limiter) and one kept in the database (shared by every instance) follow
// the same rule. Times are Unix seconds.
#pragma once

#include <cstdint>

namespace hark {

// The first `free_failures` cost nothing; each one after waits twice as long as the one
// before (base, 2*base, ... up to max_delay) before the key may try again. A key with no
// failure for `forget_after` (counted from when its wait ends) starts over.
struct BackoffPolicy {
  int free_failures = 0;  // <= 0 turns limiting off
  std::int64_t base = 1;
  std::int64_t max_delay = 1;
  std::int64_t forget_after = 0;
};

// One key's failures.
struct BackoffState {
  int failures = 0;
  std::int64_t allowed_at = 0;  // the end of the current wait
  std::int64_t last = 0;        // the last failure
};

// True when `s` no longer counts at `now`.
bool backoff_forgotten(const BackoffState& s, const BackoffPolicy& p, std::int64_t now);

// When `s` stops counting (the time backoff_forgotten turns true).
std::int64_t backoff_expires_at(const BackoffState& s, const BackoffPolicy& p);

// `s` after one more failure at `now` (starting over when `s` was forgotten).
BackoffState backoff_after_failure(BackoffState s, const BackoffPolicy& p, std::int64_t now);

}  // namespace hark
