// Limits on who may try to log in or register, per key (an account at an address, an
// address). Internal to src/auth. Thread-safe. Times are Unix seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hark::auth {

// Failed attempts per key with exponential back-off: the first `free_failures` cost
// nothing; each one after waits twice as long as the one before (base, 2*base, ... up to
// `max_delay`) before the key may try again. A key with no failure for `forget_after`
// (counted from when its wait ends) starts over. There is no fixed lock: a user who
// mistyped waits seconds, a guesser ever longer.
class BackoffLimiter {
 public:
  // free_failures <= 0 turns limiting off.
  BackoffLimiter(int free_failures, std::chrono::seconds base, std::chrono::seconds max_delay,
                 std::chrono::seconds forget_after);

  // Seconds until `key` may try again at `now`; 0 when it may now.
  std::int64_t retry_after(const std::string& key, std::int64_t now) const;
  void record_failure(const std::string& key, std::int64_t now);
  void reset(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    std::int64_t allowed_at = 0;  // the end of the current wait
    std::int64_t last = 0;        // the last failure
  };
  bool forgotten(const Entry& e, std::int64_t now) const;

  const int free_failures_;
  const std::int64_t base_, max_delay_, forget_after_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
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
