// Counters for GET /metrics, rendered in the Prometheus text format. Thread-safe.
// Route labels are route patterns (never raw paths), so label sets stay bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::server {

class Metrics {
 public:
  Metrics();

  void record_request(std::string_view route, int status, double seconds);
  void record_error(std::string_view code);
  void add_utterance() { utterances_.fetch_add(1, std::memory_order_relaxed); }
  void ws_opened() { ws_active_.fetch_add(1, std::memory_order_relaxed); }
  void ws_closed() { ws_active_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t ws_active() const { return ws_active_.load(std::memory_order_relaxed); }

  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t> errors_;
  std::vector<double> bounds_;           // histogram upper bounds, seconds
  std::vector<std::uint64_t> buckets_;   // per bound, not cumulative
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::atomic<std::int64_t> ws_active_{0};
  std::atomic<std::uint64_t> utterances_{0};
};

}  // namespace hark::server
