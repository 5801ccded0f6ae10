#include "failover.h"

#include "helpers.h"
#include "http_client.h"
#include "ws_client.h"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <latch>
#include <semaphore>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace hark::e2e {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Shared {
  const FailoverOptions& options;
  // Accounts are made before the first turn: the disruption hits sessions, not sign-ups.
  std::latch registered;
  std::counting_semaphore<> signing_up{4};
  std::atomic<std::int64_t> acknowledged{0};
  std::atomic<bool> disrupted{false};
  std::mutex mutex;
  FailoverResult result;

  void problem(std::string what) {
    std::lock_guard lock(mutex);
    if (result.problems.size() < 10) result.problems.push_back(std::move(what));
  }
  void acked() {
    auto n = ++acknowledged;
    if (options.disrupt && n == options.disrupt_after && !disrupted.exchange(true)) options.disrupt();
  }
};

// Every user turn text in `token`'s history, following the pages.
std::multiset<std::string> user_turns(std::uint16_t port, const std::string& token) {
  std::multiset<std::string> out;
  std::string before;
  for (int page = 0; page < 1000; ++page) {
    auto res = HttpClient(port).get(api("/conversations/history?limit=200") +
                                        (before.empty() ? "" : "&before=" + before),
                                    token);
    if (res.status != 200) throw std::runtime_error("history answered " + std::to_string(res.status));
    auto body = res.object();
    for (const auto& item : body.at("items").as_array()) {
      const auto& o = item.as_object();
      if (str(o, "role") == "user") out.insert(str(o, "text"));
    }
    const auto& next = body.at("next_before");
    if (next.is_null()) break;
    before = dump(next);
  }
  return out;
}

void client(Shared& shared, int index) {
  const auto& o = shared.options;
  Tokens tokens;
  {
    // Password hashing is slow by design: a few sign-ups at a time, each retried (a timed
    // out one may have been done: then the login alone completes it).
    const std::string email = unique_email("failover" + std::to_string(index));
    std::string why;
    shared.signing_up.acquire();
    for (int attempt = 0; attempt < 5 && tokens.access_token.empty(); ++attempt) {
      try {
        tokens = register_and_login(o.port, email);
      } catch (const std::exception& e) {
        why = e.what();
        try {
          auto login = form_login(o.port, email, "correct horse battery");
          if (login.status == 200) tokens.access_token = str(login.object(), "access_token");
        } catch (const std::exception&) {
        }
      }
    }
    shared.signing_up.release();
    if (tokens.access_token.empty()) {
      shared.registered.count_down();
      return shared.problem("sign-up: " + why);
    }
  }
  shared.registered.arrive_and_wait();
  std::vector<std::string> acked;
  std::vector<double> reconnects;
  std::int64_t resent = 0;
  bool finished = false;
  std::unique_ptr<WsClient> ws;
  auto connect = [&]() -> bool {
    const auto deadline = Clock::now() + o.reconnect_limit;
    while (Clock::now() < deadline) {
      try {
        ws = std::make_unique<WsClient>();
        open_session(*ws, o.port, tokens.access_token);
        return true;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(20ms);
      }
    }
    return false;
  };
  if (connect()) {
    int turn = 0;
    while (turn < o.turns) {
      // Unique per client and turn, so each can be looked for in the history.
      const std::string text = "set a timer for " + std::to_string(turn + 1) + " minutes";
      json::object answer;
      bool answered = false;
      try {
        answer = say(*ws, text);
        answered = true;
      } catch (const std::exception&) {
      }
      if (answered && str(answer, "type") == "response") {
        acked.push_back(text);
        ++turn;
        shared.acked();
        continue;
      }
      if (answered && str(answer, "type") == "error") {
        // unavailable / busy: the instance is draining or its database is busy; retry.
        std::this_thread::sleep_for(20ms);
        if (str(answer, "code") == "unavailable" || str(answer, "code") == "busy") continue;
        shared.problem("turn answered " + dump(answer));
        break;
      }
      // The socket ended without an answer: reconnect through the balancer and resend.
      const auto lost = Clock::now();
      ++resent;
      if (!connect()) {
        shared.problem("client " + std::to_string(index) + " could not reconnect");
        break;
      }
      reconnects.push_back(std::chrono::duration<double, std::milli>(Clock::now() - lost).count());
    }
    finished = turn == o.turns;
    ws->close();
  } else {
    shared.problem("client " + std::to_string(index) + " could not connect");
  }

  std::int64_t found = 0;
  try {
    auto history = user_turns(o.port, tokens.access_token);
    for (const auto& t : acked) {
      auto it = history.find(t);
      if (it == history.end()) {
        shared.problem("client " + std::to_string(index) + " lost \"" + t + "\"");
        continue;
      }
      ++found;
      history.erase(it);
    }
  } catch (const std::exception& e) {
    shared.problem(std::string("history: ") + e.what());
  }
  std::lock_guard lock(shared.mutex);
  shared.result.clients_finished += finished ? 1 : 0;
  shared.result.acknowledged += static_cast<std::int64_t>(acked.size());
  shared.result.found += found;
  shared.result.resent += resent;
  shared.result.reconnect_ms.insert(shared.result.reconnect_ms.end(), reconnects.begin(), reconnects.end());
}

}  // namespace

FailoverResult run_failover(const FailoverOptions& options) {
  Shared shared{options, std::latch(options.clients)};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(options.clients));
  for (int i = 0; i < options.clients; ++i) threads.emplace_back([&shared, i] { client(shared, i); });
  for (auto& t : threads) t.join();
  shared.result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return shared.result;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace hark::e2e
