// Three Hark instances on one PostgreSQL behind the real nginx (deploy/nginx.conf.in).
// Clients talk through nginx while one instance is killed (SIGKILL: no drain) or stopped
// (SIGTERM: drain); they reconnect through nginx and go on. Every turn a client got a
// response for must be in its history afterwards, and every client must finish.
#include "e2e_fixture.h"

#include "failover.h"
#include "nginx_process.h"
#include "support/pg_database.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace hark::e2e {
namespace {

using namespace std::chrono_literals;

class FailoverE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    config_dir_ = make_temp_dir();
    config_ = config_dir_ / "hark.yaml";
    std::ofstream(config_) << "jwt_secret: failover-test-secret-0123456789abcdef\ndrain_timeout: 5\n";
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 3; ++i) {
      instances_.push_back(std::make_unique<ServerProcess>(
          std::vector<std::string>{"--database-url", schema_.url(), "--config", config_.string()}));
      ports.push_back(instances_.back()->port());
    }
    nginx_ = std::make_unique<NginxProcess>(ports);
  }
  void TearDown() override {
    nginx_.reset();
    for (auto& s : instances_)
      if (s->running()) EXPECT_EQ(s->stop(), 0) << s->log_tail();
    instances_.clear();
    std::filesystem::remove_all(config_dir_);
  }

  static std::string describe(const FailoverResult& r) {
    std::ostringstream out;
    out << "finished " << r.clients_finished << ", acknowledged " << r.acknowledged << ", found "
        << r.found << ", resent " << r.resent << ", reconnects " << r.reconnect_ms.size()
        << " (p50 " << quantile(r.reconnect_ms, 0.5) << " ms, p99 " << quantile(r.reconnect_ms, 0.99)
        << " ms)";
    for (const auto& p : r.problems) out << "\n  " << p;
    return out.str();
  }

  hark::testing::PgSchema schema_;
  std::filesystem::path config_dir_, config_;
  std::vector<std::unique_ptr<ServerProcess>> instances_;
  std::unique_ptr<NginxProcess> nginx_;
};

constexpr int kClients = 24;
constexpr int kTurns = 25;

TEST_F(FailoverE2E, KillingOneInstanceMidLoadLosesNoAnsweredTurn) {
  FailoverOptions o;
  o.port = nginx_->port();
  o.clients = kClients;
  o.turns = kTurns;
  o.disrupt_after = kClients * kTurns / 3;
  o.disrupt = [&] { instances_[1]->kill_now(); };
  auto r = run_failover(o);
  std::cout << describe(r) << " in " << r.seconds << " s" << std::endl;
  SCOPED_TRACE(describe(r));
  EXPECT_FALSE(instances_[1]->running());
  EXPECT_EQ(r.clients_finished, kClients);
  EXPECT_EQ(r.acknowledged, kClients * kTurns);
  EXPECT_EQ(r.found, r.acknowledged);
  // least_conn spread the sockets, so the killed instance had some to lose.
  EXPECT_GT(r.reconnect_ms.size(), 0u);
  EXPECT_TRUE(r.problems.empty());
  // The balancer still answers, from the two left.
  EXPECT_EQ(HttpClient(nginx_->port()).get("/readyz").status, 200);
}

// SIGTERM: the instance stops accepting at once (nginx sends new connections elsewhere),
// finishes the answers in flight, closes its sockets with 1001, and exits cleanly.
TEST_F(FailoverE2E, DrainingOneInstanceMovesItsClientsWithoutLoss) {
  FailoverOptions o;
  o.port = nginx_->port();
  o.clients = kClients;
  o.turns = kTurns;
  o.disrupt_after = kClients * kTurns / 3;
  o.disrupt = [&] { instances_[0]->terminate(); };
  auto r = run_failover(o);
  std::cout << describe(r) << " in " << r.seconds << " s" << std::endl;
  SCOPED_TRACE(describe(r));
  EXPECT_EQ(instances_[0]->wait_exit(10s), 0) << instances_[0]->log_tail();
  EXPECT_EQ(r.clients_finished, kClients);
  EXPECT_EQ(r.acknowledged, kClients * kTurns);
  EXPECT_EQ(r.found, r.acknowledged);
  EXPECT_GT(r.reconnect_ms.size(), 0u);
  EXPECT_TRUE(r.problems.empty());
}

// What a client of a draining instance sees through nginx: the 1001 close frame, then a
// new session on another instance.
TEST_F(FailoverE2E, DrainingClosesWith1001ThroughNginx) {
  auto t = register_and_login(nginx_->port(), unique_email("drain"));
  std::vector<std::unique_ptr<WsClient>> sockets;
  for (int i = 0; i < 3; ++i) {  // least_conn: one on each instance
    sockets.push_back(std::make_unique<WsClient>());
    open_session(*sockets.back(), nginx_->port(), t.access_token);
  }
  instances_[2]->terminate();
  // Once it has exited, its 1001 is on its way; a ping sent before that could still be
  // answered by the draining instance (seen under load: no socket counted as closed).
  EXPECT_EQ(instances_[2]->wait_exit(10s), 0) << instances_[2]->log_tail();
  int going_away = 0;
  for (auto& ws : sockets) {
    ws->send_json({{"type", "ping"}});  // may fail on the closed one
    auto m = ws->read(3s);
    if (m.is_json() && m.type() == "pong") continue;  // on a live instance
    if (m.is_closed() && m.close_code == 1001) ++going_away;
    else ADD_FAILURE() << m.describe();
  }
  EXPECT_EQ(going_away, 1);
  WsClient again;
  open_session(again, nginx_->port(), t.access_token);
  auto r = say(again, "set a timer for 2 minutes");
  EXPECT_EQ(str(r, "type"), "response") << dump(r);
}

}  // namespace
}  // namespace hark::e2e
