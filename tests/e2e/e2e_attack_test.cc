// The probes of issue 11 replayed against the real binary, each asserting that the server
// stays up and goes on answering another client: malformed audio, the smuggling request,
// handshake and token tricks, floods of registrations and logins, half-open connections.
// Short on purpose (seconds): the long runs belong in bench/.
#include "audio/test_signals.h"
#include "e2e_fixture.h"

#include <sqlite3.h>

#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using audio::testing::make_wav;
using audio::testing::sine;
using audio::testing::to_bytes;

// A plain TCP connection to the server, for bytes no HTTP client would send.
class RawSocket {
 public:
  // `source`: the local address to connect from (any of 127.0.0.0/8 reaches loopback),
  // so that one test can be two clients to the server's per-address limits.
  explicit RawSocket(std::uint16_t port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ >= 0 && source) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  // True when the server closed the connection within `timeout` (nothing else read).
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    bool closed = false;
    read_all(timeout, closed);
    return closed;
  }
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Everything the server sends until it closes the connection or `timeout` passes;
  // `closed` tells which.
  std::string read_all(std::chrono::milliseconds timeout, bool& closed) {
    std::string out;
    closed = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
};

// Another client, unrelated to the attack, must still get a text answer.
void expect_other_client_served(std::uint16_t port, const Tokens& other) {
  WsClient ws;
  open_session(ws, port, other.access_token);
  auto r = say(ws, "flip a coin");
  EXPECT_EQ(str(r, "type"), "response") << dump(r);
}

// The audio probes need a real recognizer: decoding only happens with one.
class AudioAttackE2E : public SpeechE2ETest {
 protected:
  void SetUp() override {
    SpeechE2ETest::SetUp();
    if (HasFatalFailure()) return;
    attacker_ = new_user("attacker");
    other_ = new_user("other");
  }
  // After the probe: the attacker's socket still answers a ping (or was closed
  // politely), the process lives, and someone else is served.
  void expect_survived(WsClient& ws) {
    ASSERT_TRUE(server().alive()) << "hark died; log:\n" << server().log_tail();
    if (ws.is_open()) {
      ASSERT_TRUE(ws.send_json({{"type", "ping"}}));
      for (int i = 0; i < 20; ++i) {
        auto m = ws.read(5s);
        ASSERT_FALSE(m.is_closed()) << m.describe() << "\n" << server().log_tail();
        if (m.type() == "pong") break;
        ASSERT_NE(m.kind, WsMessage::Kind::timeout) << server().log_tail();
      }
    }
    expect_other_client_served(port(), other_);
  }
  Tokens attacker_, other_;
};

TEST_F(AudioAttackE2E, StereoHalfFrameThenAFullChunk) {
  WsClient ws;
  open(ws, attacker_);
  ASSERT_TRUE(ws.send_json({{"type", "config"}, {"audio", {{"sample_rate", 44100}, {"channels", 2}}}}));
  std::vector<std::uint8_t> two(2, 0x11);
  ASSERT_TRUE(ws.send_binary(two));
  auto tone = to_bytes(sine(440, 0.1, 8000.0, 44100));
  tone.resize(3200);
  ASSERT_TRUE(ws.send_binary(tone));
  ASSERT_TRUE(ws.send_binary(tone));
  expect_survived(ws);
}

TEST_F(AudioAttackE2E, WavHeaderAloneThenPcm) {
  WsClient ws;
  open(ws, attacker_);
  std::vector<std::int16_t> stereo;
  for (auto x : sine(440, 0.2, 8000.0, 44100)) stereo.insert(stereo.end(), {x, x});
  auto wav = make_wav(stereo, 44100, 2);
  ASSERT_TRUE(ws.send_binary(std::span(wav).first(44)));
  ASSERT_TRUE(ws.send_binary(std::span(wav).subspan(44, 3200)));
  ASSERT_TRUE(ws.send_binary(std::span(wav).subspan(44 + 3200)));
  ASSERT_TRUE(ws.send_json({{"type", "audio_end"}}));
  expect_survived(ws);
}

// --- text-only probes ----------------------------------------------------------------

class AttackE2E : public E2ETest {
 protected:
  void SetUp() override {
    E2ETest::SetUp();
    other_ = new_user("other");
  }
  void TearDown() override {
    if (server_ && server_->alive()) expect_other_client_served(port(), other_);
    E2ETest::TearDown();
  }
  Tokens other_;
};

// Issue 11: "chunked, gzip" was read as no body and the body as a second request.
TEST_F(AttackE2E, TransferEncodingOtherThanChunkedIs400AndClose) {
  RawSocket s(port());
  ASSERT_TRUE(s.ok());
  const std::string smuggled = "GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(s.send("POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n"
                     "Transfer-Encoding: chunked, gzip\r\n\r\n" + smuggled));
  bool closed = false;
  auto answer = s.read_all(5s, closed);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_TRUE(closed) << "the connection stayed open";
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << "the body was served as a request:\n"
                                                            << answer;
}

TEST_F(AttackE2E, EmptyOrInvalidWebSocketKeyIsRefused) {
  for (std::string key : {"", "abc", "dGhlIHNhbXBsZSBub25jZQ"}) {
    RawSocket s(port());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s.send("GET /api/v1/ws/stream?token=" + other_.access_token +
                       " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n\r\n"));
    bool closed = false;
    auto answer = s.read_all(5s, closed);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << "key '" << key << "': " << answer;
  }
}

TEST_F(AttackE2E, TokensWithTrailingJunkAreRefusedOnTheWebSocket) {
  auto t = new_user("junk");
  {
    WsClient ws;
    ASSERT_TRUE(ws.connect(port(), api("/ws/stream")).ok);
    ASSERT_TRUE(ws.send_json({{"type", "auth"}, {"token", t.access_token + std::string(1, '\0') + "junk"}}));
    auto m = ws.read();
    EXPECT_EQ(str(m.object, "code"), "invalid_token") << m.describe();
    auto c = ws.read();
    EXPECT_TRUE(c.is_closed()) << c.describe();
    EXPECT_EQ(c.close_code, 4401) << c.describe();
  }
  {
    WsClient ws;
    auto c = ws.connect(port(), api("/ws/stream?token=" + t.access_token + "%00junk"));
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.http_status, 401) << c.body;
  }
}

// The README's own example: curl -d 'username=...&password=correct horse battery'.
TEST_F(AttackE2E, FormLoginWithARawSpaceInThePassword) {
  auto t = new_user("space");
  auto r = http().request("POST", api("/auth/token"),
                          "username=" + t.email + "&password=correct horse battery",
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;
  auto bad = http().request("POST", api("/auth/token"), "username=" + t.email + "&password=%zz",
                            "application/x-www-form-urlencoded");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

// Cut strings that a client sees again must stay valid UTF-8 (else 1007, and the stored
// action_result record was dropped from the history).
TEST_F(AttackE2E, EchoedAndStoredStringsAreNotCutInsideACharacter) {
  auto t = new_user("utf8");
  WsClient ws;
  open(ws, t);
  std::string e_acute;
  for (int i = 0; i < 100; ++i) e_acute += "\xC3\xA9";
  auto unknown = exchange(ws, {{"type", "x" + e_acute}});
  EXPECT_EQ(str(unknown, "code"), "unknown_type") << dump(unknown);
  auto tz = exchange(ws, {{"type", "config"}, {"timezone", "x" + e_acute}});
  EXPECT_EQ(str(tz, "code"), "invalid_field") << dump(tz);
  std::string detail = "x";
  for (int i = 0; i < 600; ++i) detail += "\xC3\xA9";
  ASSERT_TRUE(ws.send_json({{"type", "action_result"}, {"action_id", "act_1"}, {"status", "done"},
                            {"detail", detail}}));
  expect_pong(ws);
  auto history = http().get(api("/conversations/history?limit=5"), t.access_token);
  ASSERT_EQ(history.status, 200) << history.body;
  bool found = false;
  const auto page = history.object();
  for (const auto& item : page.at("items").as_array()) {
    const auto& o = item.as_object();
    if (auto* a = o.if_contains("action"); a && a->is_object() && a->as_object().contains("detail"))
      found = std::string(a->as_object().at("detail").as_string()).starts_with("x\xC3\xA9");
  }
  EXPECT_TRUE(found) << "the action_result record lost its action: " << history.body;
}

// Issue 11: /readyz said ready while every write failed (another process held the lock).
TEST_F(AttackE2E, ReadyzIsNotReadyWhileTheStoreRefusesWrites) {
  EXPECT_EQ(http().get("/readyz").status, 200);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((server().data_dir() / "hark.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  // The probe waits out the store's busy timeout (5 s); within a second of the last
  // probe the last outcome is answered.
  auto until = std::chrono::steady_clock::now() + 15s;
  int first = 0;
  while (std::chrono::steady_clock::now() < until && (first = http().get("/readyz").status) != 503)
    std::this_thread::sleep_for(200ms);
  EXPECT_EQ(first, 503);
  int not_ready = 0;
  for (int i = 0; i < 5; ++i) not_ready += http().get("/readyz").status == 503;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(not_ready, 5);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline && (status = http().get("/readyz").status) != 200)
    std::this_thread::sleep_for(200ms);
  EXPECT_EQ(status, 200);
  // The reason once per change of state, not once per probe.
  const auto log = server().log_tail(100000);
  std::size_t count = 0;
  for (auto at = log.find("not ready"); at != std::string::npos; at = log.find("not ready", at + 1)) ++count;
  EXPECT_EQ(count, 1u) << log;
}

// The median time of `n` text turns on `ws`.
double median_turn_ms(WsClient& ws, int n) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto r = say(ws, "flip a coin");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    EXPECT_EQ(str(r, "type"), "response") << dump(r);
    std::this_thread::sleep_for(40ms);  // a person's pace, under the 50 messages/s limit
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Issue 11: 16 clients registering or logging in in a loop pushed another user's text turn
// from about 1 ms to 1.2 s (Argon2id ran on the dialog's workers); registration had no
// limit. Now hashing has its own low-priority thread and a bounded queue.
TEST_F(AttackE2E, RegistrationAndLoginFloodsDoNotDelayAnotherClientsTurns) {
  WsClient ws;
  open(ws, other_);
  const double before = median_turn_ms(ws, 9);
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, limited{0}, busy{0}, failed{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 16; ++i) {
    flood.emplace_back([&, i] {
      HttpClient c(port());
      for (int n = 0; !stop; ++n) {
        try {
          auto r = (i % 2 == 0)
                       ? c.post_json(api("/auth/register"),
                                     {{"email", unique_email("flood")}, {"password", "long enough pass"}})
                       : form_login(port(), other_.email, "correct horse battery");
          ++answered;
          if (r.status == 429) ++limited;
          if (r.status == 503) ++busy;
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  }
  // Turns all through three seconds of flood.
  std::this_thread::sleep_for(300ms);
  std::vector<double> medians;
  const auto flood_end = std::chrono::steady_clock::now() + 3s;
  try {
    while (std::chrono::steady_clock::now() < flood_end) medians.push_back(median_turn_ms(ws, 5));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the other client's turn failed: " << e.what();
  }
  stop = true;
  for (auto& t : flood) t.join();
  ASSERT_FALSE(medians.empty());
  std::sort(medians.begin(), medians.end());
  const double during = medians[medians.size() / 2];
  EXPECT_GT(answered.load(), 20);
  EXPECT_GT(limited.load(), 0) << "registrations from one address were never limited";
  EXPECT_EQ(failed.load(), 0);
  // "Normal latency": the same order as before the flood, and never near the second the
  // issue measured. Generous bounds: the machine is shared with the flood's own threads.
  EXPECT_LT(during, std::max(10 * before, 100.0)) << "before " << before << " ms";
  std::printf("text turn median: %.1f ms before, %.1f ms during the flood (%d answers, %d 429, %d 503)\n",
              before, during, answered.load(), limited.load(), busy.load());
}

// Issue 11: one address opened 19,980 half-open connections and nobody else was served
// for a minute. Now one address holds at most max_connections_per_address unauthenticated
// connections, and one that sends no headers is closed after header_timeout.
TEST_F(AttackE2E, HalfOpenConnectionsFromOneAddressDoNotStarveOthers) {
  constexpr int kHalfOpen = 400;
  std::vector<std::unique_ptr<RawSocket>> held;
  for (int i = 0; i < kHalfOpen; ++i) {
    held.push_back(std::make_unique<RawSocket>(port(), "127.0.0.2"));
    ASSERT_TRUE(held.back()->ok()) << "connect " << i;
    held.back()->send("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  }
  // Someone else, from another address, is served at once.
  const auto start = std::chrono::steady_clock::now();
  expect_other_client_served(port(), other_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // All but the per-address cap (64) were closed at once...
  int closed_now = 0;
  for (auto& s : held) closed_now += s->closed_by_peer(10ms);
  EXPECT_GE(closed_now, kHalfOpen - 64);
  // ...and the rest once the header timeout (5 s) passed.
  std::this_thread::sleep_for(5s);
  int closed_later = 0;
  for (auto& s : held) closed_later += s->closed_by_peer(1s);
  EXPECT_EQ(closed_later, kHalfOpen);
  // The address may connect again.
  RawSocket again(port(), "127.0.0.2");
  ASSERT_TRUE(again.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  EXPECT_TRUE(again.read_all(5s, closed).starts_with("HTTP/1.1 200"));
}

// Issue 11: a zero-length hark.db started as an empty database, silently.
TEST(StartupE2E, AZeroLengthDatabaseIsRefusedWithAClearError) {
  auto dir = make_temp_dir();
  { std::ofstream(dir / "hark.db").flush(); }
  auto r = run_hark({"serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir.string(), "--no-speech"});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("empty"), std::string::npos) << r.output;
  EXPECT_EQ(std::filesystem::file_size(dir / "hark.db"), 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hark::e2e
