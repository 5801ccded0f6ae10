// Counts failed logins per key (an email, a client address) in a sliding window.
// Internal to src/auth. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hark::auth {

class FailureLimiter {
 public:
  // max_failures <= 0 turns limiting off.
  FailureLimiter(int max_failures, std::chrono::seconds window);

  // Seconds until `key` may try again at `now` (Unix seconds); 0 when it may now.
  std::int64_t retry_after(const std::string& key, std::int64_t now) const;
  void record_failure(const std::string& key, std::int64_t now);
  void reset(const std::string& key);

 private:
  void sweep(std::int64_t now);

  const int max_failures_;
  const std::int64_t window_;
  mutable std::mutex mutex_;
  // Only the newest max_failures_ times of a key matter: the limit lifts when the oldest
  // of them leaves the window.
  std::unordered_map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace hark::auth
