#include "server/metrics.h"

#include <algorithm>
#include <sstream>

namespace hark::server {

namespace {

// Label values are route patterns and error codes we chose, but escape anyway.
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') { out += "\\n"; continue; }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Metrics::Metrics()
    : bounds_{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
      buckets_(bounds_.size(), 0) {}

void Metrics::record_request(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  if (it != bounds_.end()) ++buckets_[it - bounds_.begin()];
  ++latency_count_;
  latency_sum_ += seconds;
}

void Metrics::record_error(std::string_view code) {
  std::lock_guard lock(mutex_);
  ++errors_[std::string(code)];
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP hark_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE hark_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out << "hark_http_requests_total{route=\"" << escape_label(key.first) << "\",status=\""
        << key.second << "\"} " << n << "\n";
  out << "# HELP hark_http_request_duration_seconds Time to answer an HTTP request.\n"
      << "# TYPE hark_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i];
    out << "hark_http_request_duration_seconds_bucket{le=\"" << bounds_[i] << "\"} " << cumulative
        << "\n";
  }
  out << "hark_http_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
      << "hark_http_request_duration_seconds_sum " << latency_sum_ << "\n"
      << "hark_http_request_duration_seconds_count " << latency_count_ << "\n";
  out << "# HELP hark_websocket_connections Open WebSocket connections.\n"
      << "# TYPE hark_websocket_connections gauge\n"
      << "hark_websocket_connections " << ws_active_.load() << "\n";
  out << "# HELP hark_utterances_total Utterances handled (WebSocket and /chat).\n"
      << "# TYPE hark_utterances_total counter\n"
      << "hark_utterances_total " << utterances_.load() << "\n";
  out << "# HELP hark_errors_total Errors sent to clients, by code.\n"
      << "# TYPE hark_errors_total counter\n";
  for (const auto& [code, n] : errors_)
    out << "hark_errors_total{code=\"" << escape_label(code) << "\"} " << n << "\n";
  return out.str();
}

}  // namespace hark::server
