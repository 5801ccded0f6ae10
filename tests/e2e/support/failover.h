// Clients that keep talking through a load balancer while instances behind it die: each
// has its own account, sends text turns one after the other, reconnects through the
// balancer whenever its socket ends, and resends a turn it got no response for. Used by the
// failover test (asserts nothing is lost) and by bench/ (prints the figures).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hark::e2e {

struct FailoverOptions {
  std::uint16_t port = 0;  // the balancer on 127.0.0.1
  int clients = 20;
  int turns = 30;          // per client
  // Called once, from a client thread, when the clients together got this many responses
  // (the moment to kill an instance); 0 = never.
  std::int64_t disrupt_after = 0;
  std::function<void()> disrupt;
  // A client that cannot get back in within this long gives up (counted as unfinished).
  std::chrono::milliseconds reconnect_limit{30000};
};

struct FailoverResult {
  int clients_finished = 0;       // sent all their turns and got every response
  std::int64_t acknowledged = 0;  // turns answered with a "response"
  std::int64_t found = 0;         // of those, found in the sender's history afterwards
  std::int64_t resent = 0;        // turns sent again after their socket ended unanswered
  std::vector<double> reconnect_ms;  // socket lost -> new session ready, one per reconnect
  double seconds = 0;             // the whole run: accounts, turns, history checks
  std::vector<std::string> problems;  // the first few unexpected answers or failures
};

FailoverResult run_failover(const FailoverOptions& options);

// The q-quantile (0..1) of `values` (nearest rank), 0 for none.
double quantile(std::vector<double> values, double q);

}  // namespace hark::e2e
