// hark_failover: clients talking through a load balancer while one instance behind it is
// killed (SIGKILL) mid-load; prints what they got acknowledged, what was found in their
// histories afterwards, and how long reconnecting took. bench/scale.sh runs it against
// deploy/run-cluster.sh.
//
//   hark_failover --port BALANCER_PORT [--clients 100] [--turns 40] [--kill-pid PID]
//                 [--kill-after FRACTION]
#include "failover.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  hark::e2e::FailoverOptions o;
  o.clients = 100;
  o.turns = 40;
  int kill_pid = 0;
  double kill_after = 1.0 / 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--port") o.port = static_cast<std::uint16_t>(std::atoi(v));
    else if (flag == "--clients") o.clients = std::atoi(v);
    else if (flag == "--turns") o.turns = std::atoi(v);
    else if (flag == "--kill-pid") kill_pid = std::atoi(v);
    else if (flag == "--kill-after") kill_after = std::atof(v);
    else {
      std::fprintf(stderr, "hark_failover: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.port == 0 || o.clients <= 0 || o.turns <= 0) {
    std::fprintf(stderr, "usage: hark_failover --port PORT [--clients N] [--turns N] [--kill-pid PID] [--kill-after F]\n");
    return 2;
  }
  if (kill_pid > 0) {
    o.disrupt_after = static_cast<std::int64_t>(kill_after * o.clients * o.turns);
    o.disrupt = [kill_pid] {
      if (::kill(kill_pid, SIGKILL) != 0) std::perror("hark_failover: kill");
    };
  }
  auto r = hark::e2e::run_failover(o);
  std::printf(
      "failover clients=%d finished=%d turns_per_client=%d acknowledged=%lld found=%lld lost=%lld "
      "resent=%lld reconnects=%zu reconnect_p50_ms=%.1f reconnect_p99_ms=%.1f reconnect_max_ms=%.1f "
      "seconds=%.1f\n",
      o.clients, r.clients_finished, o.turns, static_cast<long long>(r.acknowledged),
      static_cast<long long>(r.found), static_cast<long long>(r.acknowledged - r.found),
      static_cast<long long>(r.resent), r.reconnect_ms.size(), hark::e2e::quantile(r.reconnect_ms, 0.5),
      hark::e2e::quantile(r.reconnect_ms, 0.99), hark::e2e::quantile(r.reconnect_ms, 1.0), r.seconds);
  for (const auto& p : r.problems) std::fprintf(stderr, "hark_failover: %s\n", p.c_str());
  return r.acknowledged == r.found && r.clients_finished == o.clients ? 0 : 1;
}
