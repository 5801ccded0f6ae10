// Limits on who may try to log in or register, per key (an account at an address, an
// address). Internal to src/auth. Thread-safe. Times are Unix seconds.
#pragma once

#include "common/backoff.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hark::auth {

// Failed attempts per key with exponential back-off (common/backoff.h), in this process's
// memory. There is no fixed lock: a user who mistyped waits seconds, a guesser ever longer.
class BackoffLimiter {
 public:
  // free_failures <= 0 turns limiting off.
  BackoffLimiter(int free_failures, std::chrono::seconds base, std::chrono::seconds max_delay,
                 std::chrono::seconds forget_after);

  // Seconds until `key` may try again at `now`; 0 when it may now.
  std::int64_t retry_after(const std::string& key, std::int64_t now) const;
  void record_failure(const std::string& key, std::int64_t now);
  // Takes `state` as `key`'s count (one kept elsewhere, e.g. in the database).
  void adopt(const std::string& key, const BackoffState& state, std::int64_t now);
  void reset(const std::string& key);
  const BackoffPolicy& policy() const { return policy_; }

 private:
  // `key`'s entry, made when missing; first drops forgotten ones when there are too many,
  // so that a stream of made-up emails or addresses cannot grow the map without bound.
  // REQUIRES: mutex_ held.
  BackoffState& entry(const std::string& key, std::int64_t now);

  const BackoffPolicy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, BackoffState> entries_;
};

// Events per key, sustained `per_hour` with bursts of `burst` (a token bucket per key).
class KeyedRate {
 public:
  // per_hour <= 0 turns it off.
  KeyedRate(double per_hour, double burst);
  // Takes one event for `key` at `now`; false (and nothing taken) when over the rate.
  bool take(const std::string& key, std::int64_t now);
  // Seconds until `key` may have one more event.
  std::int64_t retry_after(const std::string& key, std::int64_t now) const;

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t at = 0;
  };
  double level(const Bucket& b, std::int64_t now) const;

  const double per_second_, burst_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace hark::auth
