// The measured run. Each client thread owns one io_context and its share of the
// connections, so a connection's reader and writer never need a strand. The main thread
// only counts ready connections, opens the gate (the window starts), and waits.
//
// Latency is measured from the moment an utterance was due (its scheduled time at a fixed
// rate, the send time in a closed loop), so a slow server cannot hide its queue by slowing
// the client down. Only answers that arrive inside the window count.
#include "load.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <thread>

namespace hark::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Time after the window for the last answers and the close handshakes.
constexpr auto kGrace = std::chrono::seconds(2);
// 20 ms of 16 kHz mono pcm16: the chunk a phone app streams.
constexpr std::size_t kChunkBytes = 640;
constexpr auto kChunkPeriod = milliseconds(20);

struct Shared {
  Shared(const Options& o, const std::vector<std::string>& tokens) : o(o), tokens(tokens) {}
  const Options& o;
  const std::vector<std::string>& tokens;
  tcp::endpoint endpoint;
  std::string host_header;
  std::vector<std::string> messages;  // the utterances, ready to send
  std::string audio_end = R"({"type":"audio_end"})";
  std::string audio;                  // pcm16 streamed in a loop (mix)
  std::atomic<int> ready{0}, failed{0}, live{0};
  Clock::time_point start{}, end{};  // written before the gate opens
};

struct Worker {
  Worker(Shared& s) : s(s) {}
  Shared& s;
  asio::io_context ioc{1};
  asio::steady_timer gate{ioc, Clock::time_point::max()};
  bool opened = false;
  int connecting = 0;
  Histogram latency;
  std::uint64_t round_trips = 0, errors = 0, unanswered = 0, audio_frames = 0, audio_replies = 0,
                audio_errors = 0;
  Clock::duration audio_lag_max{};  // how far behind schedule an audio frame was sent
  std::thread thread;

  static constexpr std::uint64_t kErrorsNamed = 5;  // error replies named per worker

  // A transport failure: counted, and named on stderr (the benches summarise those lines).
  void failed(const char* where, const boost::system::error_code& ec) {
    ++errors;
    std::cerr << "hark_load: " << where << ": " << ec.message() << "\n";
  }

  // An answer to a text turn; `error_text` is the server's error message when it was one
  // (the first few are named on stderr, as transport failures are).
  void record(Clock::time_point due, Clock::time_point got, std::string_view error_text = {}) {
    if (got < s.start || got > s.end) return;
    if (!error_text.empty()) {
      if (errors++ < kErrorsNamed) std::cerr << "hark_load: error reply: " << error_text << "\n";
      return;
    }
    ++round_trips;
    latency.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(got - due).count()));
  }
};

struct LiveGuard {
  std::atomic<int>& n;
  explicit LiveGuard(std::atomic<int>& n) : n(n) { ++n; }
  ~LiveGuard() { --n; }
};

asio::awaitable<void> sleep_until(Clock::time_point t) {
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  co_await timer.async_wait(kTuple);
}

enum class Kind { answer, error, ready, other };

// Reads the "type" of a server message without parsing the whole JSON: the client shares
// two cores with the server, so it must stay cheap.
Kind classify(std::string_view msg) {
  auto at = msg.find("\"type\"");
  if (at == std::string_view::npos) return Kind::other;
  at = msg.find('"', msg.find(':', at + 6));
  if (at == std::string_view::npos) return Kind::other;
  std::string_view rest = msg.substr(at + 1);
  if (rest.starts_with("response\"")) return Kind::answer;
  if (rest.starts_with("error\"")) return Kind::error;
  if (rest.starts_with("ready\"")) return Kind::ready;
  return Kind::other;
}

struct WsConn {
  explicit WsConn(asio::io_context& ioc) : ws(ioc), event(ioc) {}
  websocket::stream<beast::tcp_stream> ws;
  // Cancelled by the reader when the last answer is in or the stream ended: the writer
  // waits on it instead of polling (10,000 pollers would eat the client's CPU).
  asio::steady_timer event;
  beast::flat_buffer buffer;
  std::deque<Clock::time_point> due;  // utterances sent and not answered yet (open loop)
  bool closing = false;
  bool reader_done = false;

  std::string_view text() const {
    auto d = buffer.data();
    return {static_cast<const char*>(d.data()), d.size()};
  }
};

asio::awaitable<bool> ws_handshake(Worker& w, WsConn& c, int idx) {
  const Options& o = w.s.o;
  auto& lowest = beast::get_lowest_layer(c.ws);
  lowest.expires_after(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.connect_timeout_s)));
  auto [cec] = co_await lowest.async_connect(w.s.endpoint, kTuple);
  if (cec) co_return false;
  lowest.socket().set_option(tcp::no_delay(true));
  if (!o.echo) {
    std::string bearer = "Bearer " + w.s.tokens[static_cast<std::size_t>(idx) % w.s.tokens.size()];
    c.ws.set_option(websocket::stream_base::decorator(
        [bearer](websocket::request_type& req) { req.set(http::field::authorization, bearer); }));
  }
  auto [hec] = co_await c.ws.async_handshake(w.s.host_header,
                                             o.echo ? "/" : "/api/v1/ws/stream", kTuple);
  if (hec) co_return false;
  if (!o.echo) {
    auto [rec, n] = co_await c.ws.async_read(c.buffer, kTuple);
    if (rec) co_return false;
    Kind k = classify(c.text());
    c.buffer.consume(c.buffer.size());
    if (k != Kind::ready) co_return false;
  }
  lowest.expires_never();
  co_return true;
}

// Waits until `done()` or `until`, woken by the reader's event.
template <class Done>
asio::awaitable<void> wait_reader(WsConn& c, Clock::time_point until, Done done) {
  while (!done() && Clock::now() < until) {
    c.event.expires_at(until);
    co_await c.event.async_wait(kTuple);
  }
}

asio::awaitable<void> ws_close(WsConn& c) {
  c.closing = true;
  beast::get_lowest_layer(c.ws).expires_after(kGrace);
  // A close that waits behind a pending read does not see the stream's expiry: a
  // watchdog shuts the socket if the server has not answered the close in time.
  asio::steady_timer watchdog(co_await asio::this_coro::executor, kGrace);
  watchdog.async_wait([&c](boost::system::error_code ec) {
    if (!ec) beast::get_lowest_layer(c.ws).close();
  });
  co_await c.ws.async_close(websocket::close_code::normal, kTuple);
  watchdog.cancel();
  // The reader (open loop) sees the close and ends; the frame it lives in is ours.
  co_await wait_reader(c, Clock::now() + kGrace, [&c] { return c.reader_done; });
}

// Closed loop: the next utterance leaves when the answer to the last one is in.
asio::awaitable<void> text_closed_loop(Worker& w, WsConn& c, std::size_t k) {
  const auto& msgs = w.s.messages;
  beast::get_lowest_layer(c.ws).expires_at(w.s.end + kGrace);
  c.reader_done = true;  // no separate reader
  while (Clock::now() < w.s.end) {
    const std::string& msg = msgs[k++ % msgs.size()];
    auto t0 = Clock::now();
    c.ws.text(true);
    auto [wec, wn] = co_await c.ws.async_write(asio::buffer(msg), kTuple);
    if (wec) {
      w.failed("text write", wec);
      co_return;
    }
    for (;;) {
      auto [rec, rn] = co_await c.ws.async_read(c.buffer, kTuple);
      if (rec) {
        if (rec == beast::error::timeout) ++w.unanswered;
        else w.failed("text read", rec);
        co_return;
      }
      Kind kind = w.s.o.echo ? Kind::answer : classify(c.text());
      if (kind != Kind::answer && kind != Kind::error) {
        c.buffer.consume(c.buffer.size());
        continue;
      }
      w.record(t0, Clock::now(), kind == Kind::error ? c.text() : std::string_view{});
      c.buffer.consume(c.buffer.size());
      break;
    }
  }
  co_await ws_close(c);
}

// The reader of an open-loop connection: answers are matched to utterances in order.
asio::awaitable<void> ws_reader(Worker& w, std::shared_ptr<WsConn> c, bool speech) {
  for (;;) {
    auto [ec, n] = co_await c->ws.async_read(c->buffer, kTuple);
    if (ec) {
      if (!c->closing && ec != websocket::error::closed) w.failed(speech ? "audio read" : "text read", ec);
      break;
    }
    auto now = Clock::now();
    Kind kind = w.s.o.echo ? Kind::answer : classify(c->text());
    if (speech) {
      c->buffer.consume(c->buffer.size());
      ++w.audio_replies;
      if (kind == Kind::error) ++w.audio_errors;  // busy when the speech threads fell behind
      continue;
    }
    if ((kind != Kind::answer && kind != Kind::error) || c->due.empty()) {
      c->buffer.consume(c->buffer.size());
      continue;
    }
    auto due = c->due.front();
    c->due.pop_front();
    w.record(due, now, kind == Kind::error ? c->text() : std::string_view{});
    c->buffer.consume(c->buffer.size());
    if (c->due.empty()) c->event.cancel();
  }
  c->reader_done = true;
  c->event.cancel();
}

// Spreads the connections' first sends over one period so they do not all fire together.
Clock::time_point first_due(const Shared& s, std::size_t idx, Clock::duration period) {
  double phase = std::fmod(static_cast<double>(idx) * 0.6180339887, 1.0);
  return s.start + std::chrono::duration_cast<Clock::duration>(period * phase);
}

asio::awaitable<void> text_open_loop(Worker& w, std::shared_ptr<WsConn> c, std::size_t idx) {
  const auto& msgs = w.s.messages;
  auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / w.s.o.rate));
  std::size_t k = idx;
  for (auto due = first_due(w.s, idx, period); due < w.s.end; due += period) {
    co_await sleep_until(due);
    c->due.push_back(due);  // before the write: the answer may be handled first
    c->ws.text(true);
    auto [ec, n] = co_await c->ws.async_write(asio::buffer(msgs[k++ % msgs.size()]), kTuple);
    if (ec) {
      w.failed("text write", ec);
      co_return;
    }
  }
  co_await wait_reader(*c, w.s.end + kGrace, [&c] { return c->due.empty() || c->reader_done; });
  w.unanswered += c->due.size();
}

// Real-time speech: 20 ms chunks as binary frames, an audio_end after each utterance.
asio::awaitable<void> speech_stream(Worker& w, std::shared_ptr<WsConn> c, std::size_t idx) {
  const std::string& audio = w.s.audio;
  auto chunks = std::max<std::size_t>(1, static_cast<std::size_t>(w.s.o.utterance_s / 0.020));
  std::size_t pos = (idx * 7919 * kChunkBytes) % audio.size() / kChunkBytes * kChunkBytes;
  // Streams start within one chunk period of each other, each at its own point of an
  // utterance, so neither frames nor audio_ends arrive in lockstep.
  std::size_t sent = (idx * 37) % chunks;
  for (auto due = first_due(w.s, idx, kChunkPeriod); due < w.s.end; due += kChunkPeriod) {
    co_await sleep_until(due);
    // A client behind its schedule (it shares the cores with the server) does not catch
    // up past the window: a write still pending at the backstop would count as an error.
    const auto now = Clock::now();
    if (now >= w.s.end) break;
    w.audio_lag_max = std::max(w.audio_lag_max, now - due);
    if (pos + kChunkBytes > audio.size()) pos = 0;
    c->ws.binary(true);
    auto [ec, n] = co_await c->ws.async_write(asio::buffer(audio.data() + pos, kChunkBytes), kTuple);
    if (ec) {
      w.failed("audio write", ec);
      co_return;
    }
    pos += kChunkBytes;
    ++w.audio_frames;
    if (++sent % chunks == 0) {
      c->ws.text(true);
      auto [eec, en] = co_await c->ws.async_write(asio::buffer(w.s.audio_end), kTuple);
      if (eec) {
        w.failed("audio_end write", eec);
        co_return;
      }
    }
  }
}

asio::awaitable<void> ws_connection(Worker& w, std::size_t idx) {
  LiveGuard guard(w.s.live);
  auto c = std::make_shared<WsConn>(w.ioc);
  ++w.connecting;
  bool ok = co_await ws_handshake(w, *c, static_cast<int>(idx));
  --w.connecting;
  if (!ok) {
    ++w.s.failed;
    co_return;
  }
  ++w.s.ready;
  if (!w.opened) co_await w.gate.async_wait(kTuple);

  const Options& o = w.s.o;
  bool speech = o.mode == Mode::mix && idx % static_cast<std::size_t>(o.speech_every) == 0;
  if ((o.mode == Mode::text || o.mode == Mode::mix) && !speech && o.rate <= 0) {
    co_await text_closed_loop(w, *c, idx);
    co_return;
  }
  // The backstop for writes and reads a stalled server would leave pending.
  beast::get_lowest_layer(c->ws).expires_at(w.s.end + 3 * kGrace);
  asio::co_spawn(w.ioc, ws_reader(w, c, speech), asio::detached);
  if (o.mode == Mode::idle) {
    co_await sleep_until(w.s.end);
  } else if (speech) {
    co_await speech_stream(w, c, idx);
  } else {
    co_await text_open_loop(w, c, idx);
  }
  co_await ws_close(*c);
}

// Login mode: keep-alive HTTP clients posting the OAuth2 password form in a closed loop.
asio::awaitable<void> login_client(Worker& w, std::size_t idx) {
  LiveGuard guard(w.s.live);
  const Options& o = w.s.o;
  beast::tcp_stream stream(w.ioc);
  ++w.connecting;
  stream.expires_after(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.connect_timeout_s)));
  auto [cec] = co_await stream.async_connect(w.s.endpoint, kTuple);
  --w.connecting;
  if (cec) {
    ++w.s.failed;
    co_return;
  }
  ++w.s.ready;
  if (!w.opened) co_await w.gate.async_wait(kTuple);

  http::request<http::string_body> req(http::verb::post, "/api/v1/auth/token", 11);
  req.set(http::field::host, w.s.host_header);
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.keep_alive(true);
  req.body() = login_form(static_cast<int>(idx % static_cast<std::size_t>(o.users)));
  req.prepare_payload();
  beast::flat_buffer buffer;
  stream.expires_at(w.s.end + kGrace);
  while (Clock::now() < w.s.end) {
    auto t0 = Clock::now();
    auto [wec, wn] = co_await http::async_write(stream, req, kTuple);
    http::response<http::string_body> res;
    if (!wec) {
      auto [rec, rn] = co_await http::async_read(stream, buffer, res, kTuple);
      wec = rec;
    }
    if (wec == beast::error::timeout) {
      ++w.unanswered;
      break;
    }
    if (wec) {
      w.failed("login", wec);
      break;
    }
    const std::string status = res.result_int() == 200 ? "" : "HTTP " + std::to_string(res.result_int());
    w.record(t0, Clock::now(), status);
    if (!res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// Starts connections while fewer than max_connecting handshakes are in flight, so the
// server's accept backlog never overflows and one poller does the waiting, not N.
asio::awaitable<void> launcher(Worker& w, std::vector<std::size_t> ids) {
  for (std::size_t id : ids) {
    while (w.connecting >= w.s.o.max_connecting) co_await sleep_until(Clock::now() + milliseconds(1));
    if (w.s.o.mode == Mode::login) asio::co_spawn(w.ioc, login_client(w, id), asio::detached);
    else asio::co_spawn(w.ioc, ws_connection(w, id), asio::detached);
  }
}

std::string load_audio(const Options& o) {
  std::string bytes;
  if (!o.audio_file.empty()) {
    std::ifstream in(o.audio_file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
    // A WAV's samples are in its "data" chunk; the header fields are not checked.
    if (bytes.rfind("RIFF", 0) == 0) {
      auto at = bytes.find("data", 12);
      bytes = at == std::string::npos || at + 8 > bytes.size() ? std::string() : bytes.substr(at + 8);
    }
    if (bytes.size() < kChunkBytes)
      std::cerr << "hark_load: " << o.audio_file << " holds no audio; using noise\n";
  }
  if (bytes.size() < kChunkBytes) {
    // Ten seconds of quiet noise: the server only needs bytes at the right pace.
    bytes.resize(16000 * 2 * 10);
    std::uint32_t x = 2463534242u;
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      auto sample = static_cast<std::int16_t>(static_cast<std::int32_t>(x % 2001) - 1000);
      bytes[i] = static_cast<char>(sample & 0xff);
      bytes[i + 1] = static_cast<char>((sample >> 8) & 0xff);
    }
  }
  return bytes;
}

}  // namespace

Result run_load(const Options& o, const std::vector<std::string>& tokens) {
  Result r;
  Shared s(o, tokens);
  boost::system::error_code ec;
  s.endpoint = tcp::endpoint(asio::ip::make_address(o.host, ec), o.port);
  if (ec) {
    std::cerr << "hark_load: --host must be an IP address: " << o.host << "\n";
    return r;
  }
  s.host_header = o.host + ":" + std::to_string(o.port);
  for (const auto& t : o.texts)
    s.messages.push_back(boost::json::serialize(boost::json::object{{"type", "text"}, {"content", t}}));
  if (o.mode == Mode::mix) s.audio = load_audio(o);

  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < o.threads; ++t) workers.push_back(std::make_unique<Worker>(s));
  r.rss_before_kib = read_rss_kib(o.server_pid);
  for (int t = 0; t < o.threads; ++t) {
    std::vector<std::size_t> ids;
    for (int i = t; i < o.connections; i += o.threads) ids.push_back(static_cast<std::size_t>(i));
    Worker& w = *workers[static_cast<std::size_t>(t)];
    asio::co_spawn(w.ioc, launcher(w, std::move(ids)), asio::detached);
    w.thread = std::thread([&w] { w.ioc.run(); });
  }

  auto connect_deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(o.connect_timeout_s));
  while (s.ready + s.failed < o.connections && Clock::now() < connect_deadline)
    std::this_thread::sleep_for(milliseconds(10));
  // Let the server finish what the handshakes left behind before reading its memory.
  std::this_thread::sleep_for(milliseconds(500));
  r.rss_connected_kib = read_rss_kib(o.server_pid);
  r.connected = s.ready;

  double server_cpu0 = read_cpu_s(o.server_pid);
  double client_cpu0 = read_cpu_s(getpid());
  s.start = Clock::now();
  s.end = s.start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(o.duration_s));
  for (auto& w : workers)
    asio::post(w->ioc, [wp = w.get()] {
      wp->opened = true;
      wp->gate.cancel();
    });
  std::this_thread::sleep_until(s.end);
  r.rss_end_kib = read_rss_kib(o.server_pid);
  if (o.server_pid > 0) r.server_cpu_s = read_cpu_s(o.server_pid) - server_cpu0;
  r.client_cpu_s = read_cpu_s(getpid()) - client_cpu0;

  // Everything ends by itself shortly after the window; this bound is the safety net.
  auto hard_stop = s.end + 4 * kGrace;
  while (s.live > 0 && Clock::now() < hard_stop) std::this_thread::sleep_for(milliseconds(10));
  if (s.live > 0) std::cerr << "hark_load: " << s.live << " connections cut at the end\n";
  for (auto& w : workers) {
    w->ioc.stop();
    w->thread.join();
  }

  r.connect_errors = s.failed + (o.connections - s.ready - s.failed);
  r.window_s = o.duration_s;
  for (auto& w : workers) {
    r.latency.merge(w->latency);
    r.round_trips += w->round_trips;
    r.errors += w->errors;
    r.unanswered += w->unanswered;
    r.audio_frames += w->audio_frames;
    r.audio_replies += w->audio_replies;
    r.audio_errors += w->audio_errors;
    r.audio_lag_max_ms = std::max(r.audio_lag_max_ms, std::chrono::duration<double, std::milli>(w->audio_lag_max).count());
  }
  return r;
}

}  // namespace hark::bench
