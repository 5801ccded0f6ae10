// The only translation unit that includes Beast and Asio (they compile slowly).
// Shape, after Beast's own coroutine examples: one listener coroutine accepts; each
// connection is one coroutine on one network thread (HTTP keep-alive loop, then, after an
// upgrade, a WebSocket reader plus a writer that drains the connection's queue). Each
// network thread runs its own io_context alone, so the handlers of a connection never run
// at once without a strand; below, "the connection's strand" is that io_context's executor.
// Blocking work (store, dialog, password hashing) goes to a thread pool and the result is
// resumed on the connection's strand.
#include "server/server.h"

#include "server/api.h"
#include "server/chat_sessions.h"
#include "server/errors.h"
#include "server/http_checks.h"
#include "server/http_request.h"
#include "server/metrics.h"
#include "server/ws_protocol.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <functional>
#include <latch>
#include <optional>
#include <random>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace hark::server {

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// A client that does not read its answers is not buffered without limit.
constexpr std::size_t kMaxQueuedFrames = 256;
// Time a peer has to finish the closing handshake once we sent our close frame.
constexpr auto kCloseGrace = std::chrono::seconds(3);
// Niceness of the speech threads (0 = that of the process, 19 = the lowest priority).
constexpr int kSpeechNice = 5;
// Niceness of the password-hashing threads: a login may wait, a dialog turn should not.
constexpr int kHashNice = 10;

// Binary (audio) frames per second per connection, sustained.
constexpr double kAudioFramesPerSecond = 200.0;

using Steady = std::chrono::steady_clock;

// One queued WebSocket frame, or the close that ends the connection.
struct Outgoing {
  std::string text;
  int close_code = 0;
  std::string close_reason;
  // Sent only once these history turns are stored; unstored(error) replaces `text` if
  // they could not be (WsOutput::stored).
  std::shared_ptr<store::TurnCommit> stored;
  std::function<std::string(const Error&)> unstored;

  static Outgoing close(int code, std::string reason) {
    Outgoing o;
    o.close_code = code;
    o.close_reason = std::move(reason);
    return o;
  }
};

// Runs `f` on the worker pool; the awaiting coroutine resumes on its own strand. The
// coroutine itself hops to a pool thread and back, each hop one post: co_spawn onto the
// pool would post the completion back through the pool's queue too, so every answer
// waited behind all queued work.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> on_pool(asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F&>;
  auto caller = co_await asio::this_coro::executor;
  co_await asio::post(pool.get_executor(), asio::bind_executor(pool.get_executor(), asio::use_awaitable));
  std::exception_ptr error;
  std::optional<R> value;
  try {
    value.emplace(f());
  } catch (...) {
    error = std::current_exception();
  }
  co_await asio::post(caller, asio::bind_executor(caller, asio::use_awaitable));
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

// One io_context per network thread, each told it has one thread (Server::Impl::iocs).
std::vector<std::unique_ptr<asio::io_context>> make_io_contexts(int n) {
  std::vector<std::unique_ptr<asio::io_context>> out;
  for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
  return out;
}

}  // namespace

// Unauthenticated connections per address (Options::max_connections_per_address).
class AddressCounts {
 public:
  bool try_add(const std::string& address, int cap) {
    std::lock_guard lock(mutex_);
    int& n = counts_[address];
    if (n >= cap) {
      if (n == 0) counts_.erase(address);
      return false;
    }
    ++n;
    return true;
  }
  void remove(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(address);
    if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, int> counts_;
};

// One connection's place in AddressCounts, given back when it authenticates or ends.
struct AddressSlot {
  AddressSlot(AddressCounts& c, std::string a) : counts(c), address(std::move(a)) {}
  ~AddressSlot() { counts.remove(address); }
  AddressSlot(const AddressSlot&) = delete;
  AddressSlot& operator=(const AddressSlot&) = delete;
  AddressCounts& counts;
  std::string address;
};

struct WsSession;

// One accepted socket. Touched only on its strand (the socket's executor), except for
// the shutdown() request, which posts to that strand.
struct Connection : std::enable_shared_from_this<Connection> {
  explicit Connection(tcp::socket socket)
      : executor(socket.get_executor()), stream(std::move(socket)) {}

  const asio::any_io_executor executor;  // the connection's strand
  beast::tcp_stream stream;  // the HTTP phase; moved into the WsSession on upgrade
  std::atomic<bool> idle{false};  // HTTP: waiting for the next request (read by eviction)
  // Counts this connection against its address while it is not authenticated.
  std::unique_ptr<struct AddressSlot> slot;
  bool shutting_down = false;
  WsSession* session = nullptr;  // after the upgrade, while the session runs
};

struct Server::Impl {
  Impl(Options o, Deps d)
      : options(std::move(o)),
        deps(d),
        chats(deps.engine, options.max_chat_sessions, options.chat_session_idle),
        api(options, deps, metrics, chats),
        iocs(make_io_contexts(std::max(1, options.io_threads))),
        ioc(*iocs.front()),
        pool(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        speech_pool(static_cast<std::size_t>(std::max(1, options.speech_threads))),
        hash_pool(static_cast<std::size_t>(std::max(1, options.hash_threads))),
        acceptor(ioc) {}

  // Declared before `ioc`: connection coroutines that never finished (drain timeout) are
  // destroyed with the io_context, and their destructors still touch these.
  Options options;
  Deps deps;
  Metrics metrics;
  ChatSessions chats;
  Api api;
  std::atomic<bool> stopping{false};
  bool stop_started = false;  // guarded by stop_mutex
  std::mutex stop_mutex;
  std::mutex live_mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
  AddressCounts unauthenticated;
  int max_connections = 0;  // resolved in listen()

  // One io_context per network thread, each run by that thread alone: a connection lives
  // on one of them, so its handlers never wake the other thread, the
  // contexts share no queue or lock, and no strand is needed (one thread is the strand).
  // The first also runs the acceptor and the timers. Measured (bench/paced.sh, 1,000
  // connections): CPU per round trip 66-80 -> 47 us closed loop, 116-139 -> 80 us paced.
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  asio::io_context& ioc;
  // Each connection's io_context is drawn at random (listen_loop only), not dealt in turn:
  // a client pattern (one connection in ten streaming audio) dealt over two threads put
  // every stream on the first one, which ran at 100% while the other idled.
  std::minstd_rand pick_ioc{std::random_device{}()};
  asio::thread_pool pool;
  asio::thread_pool speech_pool;  // decoding only: text never queues behind it
  asio::thread_pool hash_pool;    // password hashing only, bounded by hash_queue_limit
  std::atomic<int> hashing{0};    // requests queued for or in hash_pool
  tcp::acceptor acceptor;

  asio::awaitable<void> listen_loop();
  asio::awaitable<void> http_session(std::shared_ptr<Connection> conn, std::string client);
  asio::awaitable<void> ws_session(std::shared_ptr<Connection> conn,
                                   http::request<http::string_body> req, UpgradeCheck check);
  asio::awaitable<void> drain();
  asio::awaitable<void> sweep_sessions();
  void begin_stop();
  void shutdown_connection(std::shared_ptr<Connection> conn);
  std::size_t live_count() {
    std::lock_guard lock(live_mutex);
    return live.size();
  }
  bool trusted_proxy(const std::string& address) const {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), address) !=
           options.trusted_proxies.end();
  }
  // Closes one idle keep-alive HTTP connection to make room; false when there is none.
  bool evict_idle();
};

namespace {

// Keeps a connection in Impl::live for the lifetime of its coroutine.
using LiveMap = std::unordered_map<Connection*, std::weak_ptr<Connection>>;
class LiveGuard {
 public:
  LiveGuard(std::mutex& mutex, LiveMap& live, const std::shared_ptr<Connection>& c)
      : mutex_(mutex), live_(live), c_(c.get()) {
    std::lock_guard lock(mutex_);
    live_.emplace(c_, c);
  }
  ~LiveGuard() {
    std::lock_guard lock(mutex_);
    live_.erase(c_);
  }

 private:
  std::mutex& mutex_;
  LiveMap& live_;
  Connection* c_;
};

// The client a request speaks for (see client_address; the peer unless a trusted proxy).
std::string request_client(const http::request<http::string_body>& req, const std::string& peer,
                           const Options& options) {
  if (options.trusted_proxies.empty()) return peer;
  return client_address(peer, req["X-Forwarded-For"], options.trusted_proxies);
}

http::response<http::string_body> to_beast(HttpResponse r, unsigned version, bool keep_alive,
                                           bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "hark");
  if (r.status != 204) res.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

}  // namespace

asio::awaitable<void> Server::Impl::listen_loop() {
  while (!stopping) {
    auto& home = *iocs[std::uniform_int_distribution<std::size_t>(0, iocs.size() - 1)(pick_ioc)];
    auto [ec, socket] = co_await acceptor.async_accept(home.get_executor(), kUseTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of descriptors and the like: pause instead of spinning.
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(kUseTuple);
      continue;
    }
    boost::system::error_code addr_ec;
    auto remote = socket.remote_endpoint(addr_ec);
    std::string client = addr_ec ? "unknown" : remote.address().to_string();
    // One address cannot hold more than its share of unauthenticated connections, and the
    // whole stays under the descriptor limit, so a new client always finds room.
    std::unique_ptr<AddressSlot> slot;
    if (!trusted_proxy(client)) {
      if (!unauthenticated.try_add(client, options.max_connections_per_address)) {
        metrics.record_error("too_many_connections");
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      slot = std::make_unique<AddressSlot>(unauthenticated, client);
    }
    if (static_cast<int>(live_count()) >= max_connections && !evict_idle()) {
      metrics.record_error("too_many_connections");
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->slot = std::move(slot);
    auto ex = conn->executor;
    asio::co_spawn(ex, http_session(conn, std::move(client)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("connection ended by an exception: {}", ex.what());
      }
    });
  }
}

asio::awaitable<void> Server::Impl::http_session(std::shared_ptr<Connection> conn,
                                                 std::string client) {
  LiveGuard guard(live_mutex, live, conn);
  beast::flat_buffer buffer;
  auto& stream = conn->stream;
  bool first = true;
  while (!stopping && !conn->shutting_down) {
    conn->idle = true;
    // A new connection that sends nothing (half-open, slowloris) goes after a few seconds;
    // one that already sent a request may wait for its next as keep-alive allows.
    stream.expires_after(first ? options.header_timeout : options.keep_alive_timeout);
    first = false;
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(16 * 1024);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    conn->idle = false;
    auto start = Steady::now();
    if (!ec) {
      // Framing Beast does not refuse itself: a body this server would read differently
      // from a proxy in front of it (request smuggling) is refused before it is read.
      std::vector<std::string_view> te;
      for (auto [it, end] = parser.get().equal_range(http::field::transfer_encoding); it != end; ++it)
        te.emplace_back(it->value().data(), it->value().size());
      if (auto problem = transfer_encoding_problem(
              te, parser.get().find(http::field::content_length) != parser.get().end())) {
        auto resp = error_response(make_error(Errc::bad_request, *problem));
        metrics.record_request("unmatched", resp.status, 0);
        metrics.record_error(resp.error_code);
        auto res = to_beast(std::move(resp), 11, false, false);
        co_await http::async_write(stream, res, kUseTuple);
        break;
      }
      stream.expires_after(options.request_timeout);
      if (!websocket::is_upgrade(parser.get())) {
        auto [ec2, n2] = co_await http::async_read(stream, buffer, parser, kUseTuple);
        ec = ec2;
      }
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      auto resp = error_response(
          make_error(Errc::too_large, ec == http::error::body_limit
                                          ? "The request body is too large."
                                          : "The request headers are too large."));
      metrics.record_request("too_large", resp.status, 0);
      metrics.record_error(resp.error_code);
      auto res = to_beast(std::move(resp), 11, false, false);
      co_await http::async_write(stream, res, kUseTuple);
      break;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      break;
    }
    if (ec) {
      // Not HTTP: answer 400 once and hang up.
      auto res = to_beast(error_response(make_error(Errc::bad_request, "Malformed HTTP request.")),
                          11, false, false);
      co_await http::async_write(stream, res, kUseTuple);
      break;
    }

    auto& beast_req = parser.get();
    HttpRequest req = to_request(beast_req, request_client(beast_req, client, options));
    RouteMatch match = api.match(req);

    if (websocket::is_upgrade(beast_req) && match.is_websocket) {
      if (stopping) break;
      if (!valid_websocket_key(beast_req[http::field::sec_websocket_key])) {
        auto resp = error_response(make_error(
            Errc::bad_request, "Sec-WebSocket-Key must be the base64 encoding of 16 bytes."));
        metrics.record_request(match.label, resp.status, 0);
        metrics.record_error(resp.error_code);
        auto res = to_beast(std::move(resp), beast_req.version(), false, false);
        co_await http::async_write(stream, res, kUseTuple);
        break;
      }
      auto check = co_await on_pool(pool, [this, &req] { return api.check_upgrade(req); });
      if (check.refuse) {
        metrics.record_error(check.refuse->error_code);
        metrics.record_request(match.label, check.refuse->status,
                               std::chrono::duration<double>(Steady::now() - start).count());
        auto res = to_beast(std::move(*check.refuse), beast_req.version(), false, false);
        co_await http::async_write(stream, res, kUseTuple);
        break;
      }
      metrics.record_request(match.label, 101,
                             std::chrono::duration<double>(Steady::now() - start).count());
      co_await ws_session(conn, parser.release(), std::move(check));
      co_return;
    }

    std::optional<HttpResponse> resp = api.handle_inline(req);
    if (!resp && match.hashes) {
      // Argon2id takes tens of milliseconds and 64 MiB: its own few threads, and a bounded
      // queue, so a flood of logins waits (or is told to come back) alone.
      if (hashing.fetch_add(1) >= options.hash_queue_limit) {
        resp = error_response(make_error(Errc::busy, "Too many logins at once; try again shortly."));
      } else {
        resp = co_await on_pool(hash_pool, [this, &req] { return api.handle(req); });
      }
      hashing.fetch_sub(1);
    }
    if (!resp) resp = co_await on_pool(pool, [this, &req] { return api.handle(req); });
    metrics.record_request(match.label, resp->status,
                           std::chrono::duration<double>(Steady::now() - start).count());
    if (!resp->error_code.empty()) metrics.record_error(resp->error_code);
    bool keep = beast_req.keep_alive() && !stopping && !conn->shutting_down;
    auto res = to_beast(std::move(*resp), beast_req.version(), keep,
                        beast_req.method() == http::verb::head);
    stream.expires_after(options.request_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
    if (wec || !keep) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// One WebSocket connection after the upgrade: it owns the stream, the frames read but not
// yet handled, the frames to send, the auth deadline and the protocol state, and runs three
// loops on the connection's strand, ended together by `||`:
// - the reader only reads (so Beast answers pings, and a `cancel` is seen, while an
//   utterance is decoded) and queues each frame for the handler;
// - the handler takes the frames in order and runs each on its pool (decoding on the
//   speech pool, the dialog on the worker pool), one at a time;
// - the writer sends the queued answers, each once its turns are stored, and the close.
// Each queue wakes its consumer through a timer cancelled on push: nothing polls.
struct WsSession : std::enable_shared_from_this<WsSession> {
  using Stream = websocket::stream<beast::tcp_stream>;

  WsSession(Server::Impl& impl, Connection& conn, const UpgradeCheck& check)
      : impl(impl), conn(conn), ws(std::move(conn.stream)), ex(conn.executor),
        proto(impl.options, impl.deps, impl.metrics, check.principal),
        in_wake(ex), out_wake(ex), read_wake(ex), auth_timer(ex),
        bucket(impl.options.max_messages_per_second, 2.0 * impl.options.max_messages_per_second),
        audio_bucket(kAudioFramesPerSecond, 4.0 * kAudioFramesPerSecond) {}

  // One frame read and not yet handled (or audio frames read one after the other while
  // the handler was busy, joined). `epoch`: the number of `cancel`s read before it;
  // `read_at`: when it was read (joined: when its first part was), which says how far the
  // decoding is behind this client (handle).
  struct Incoming {
    std::string data;
    bool text = false;
    std::uint64_t epoch = 0;
    Steady::time_point read_at = Steady::now();
    // Audio was dropped before this frame (or inside it, once joined): the utterance it
    // belongs to answers busy (SpokenTurn::decode's audio_lost).
    bool lost_before = false;
  };

  Server::Impl& impl;
  Connection& conn;
  Stream ws;
  asio::any_io_executor ex;  // the connection's strand
  WsConnection proto;        // touched by the handler's calls only, one at a time
  std::deque<Incoming> in;
  std::size_t in_bytes = 0;
  std::deque<Outgoing> out;
  asio::steady_timer in_wake;    // the handler sleeps on it while `in` is empty
  asio::steady_timer out_wake;   // the writer sleeps on it while `out` is empty (or unstored)
  asio::steady_timer read_wake;  // the reader sleeps on it while `in` is full
  asio::steady_timer auth_timer;
  TokenBucket bucket;        // text messages
  TokenBucket audio_bucket;  // audio frames have their own bound (kAudioFramesPerSecond)
  bool authenticated = false;  // as of the last call the handler made
  bool frame_seen = false;     // a frame arrived: the auth deadline was met
  bool handling = false;       // the handler is inside a call (store, dialog, decoding)
  bool audio_dropped = false;  // reader only: audio dropped since the last frame queued
  bool close_queued = false;
  std::uint64_t cancels = 0;   // `cancel` messages read so far

  static void wake(asio::steady_timer& t) { t.cancel(); }
  static asio::awaitable<void> sleep(asio::steady_timer& t) {
    t.expires_at(Steady::time_point::max());
    co_await t.async_wait(kUseTuple);
  }
  static asio::awaitable<bool> cancelled() {
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return cs.cancelled() != asio::cancellation_type::none;
  }

  void enqueue(Outgoing o) {
    if (close_queued) return;
    if (o.close_code) close_queued = true;
    if (out.size() >= kMaxQueuedFrames && !o.close_code) {
      beast::get_lowest_layer(ws).close();  // a client that does not read: drop it
      return;
    }
    out.push_back(std::move(o));
    wake(out_wake);
  }
  void enqueue(WsOutput&& o) {
    for (auto& m : o.messages) {
      // The first message carries the commit; the writer keeps the order, so the others
      // wait behind it.
      enqueue(Outgoing{std::move(m), 0, {}, std::move(o.stored), std::move(o.unstored)});
    }
    if (o.close_code) enqueue(Outgoing::close(o.close_code, std::move(o.close_reason)));
  }
  void going_away() { enqueue(Outgoing::close(kCloseGoingAway, "server shutting down")); }

  // Server::stop(): an utterance in flight finishes first; the handler closes after it.
  void shut_down() {
    if (!handling && in.empty()) going_away();
  }

  void after_call() {
    authenticated = proto.authenticated();
    if (authenticated) conn.slot.reset();  // no longer counted against its address
  }

  // Frames read ahead of the handler are bounded; past that the reader waits. Audio
  // joins the audio frame queued last (one decoding for all of it), so a session whose
  // speech waits for the speech threads keeps reading: its pings are answered, a cancel is
  // seen, and audio that waited too long is shed (Options::max_speech_lag).
  bool in_full() const {
    return in.size() >= kMaxQueuedFrames || in_bytes >= 4 * impl.options.max_frame_bytes;
  }
  bool joins_last(const Incoming& frame) const {
    if (frame.text || in.empty()) return false;
    const Incoming& last = in.back();
    // No size check: the reader drops audio beyond max_frame_bytes queued (reader).
    return !last.text && last.epoch == frame.epoch;
  }

  asio::awaitable<void> run(http::request<http::string_body> req);
  asio::awaitable<void> reader();
  asio::awaitable<void> handler();
  asio::awaitable<void> writer();
  asio::awaitable<void> handle(Incoming& frame);
};

asio::awaitable<void> WsSession::run(http::request<http::string_body> req) {
  beast::get_lowest_layer(ws).expires_never();  // the websocket's own timeouts take over
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "hark"); }));
  ws.read_message_max(impl.options.max_frame_bytes);
  auto [aec] = co_await ws.async_accept(req, kUseTuple);
  if (aec) co_return;

  impl.metrics.ws_opened();
  struct Closed {
    Metrics& m;
    ~Closed() { m.ws_closed(); }
  } closed{impl.metrics};

  after_call();
  enqueue(proto.start());
  if (!authenticated) {
    // Only a client that sent nothing in time is closed: a frame that arrived is answered
    // by the handler (an auth message being checked right now arrived in time).
    auth_timer.expires_after(impl.options.auth_timeout);
    auth_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || frame_seen || authenticated || close_queued) return;
      enqueue(proto.on_auth_timeout());
    });
  }
  if (impl.stopping) going_away();
  using namespace asio::experimental::awaitable_operators;
  try {
    co_await (reader() || handler() || writer());
  } catch (const std::exception& e) {
    spdlog::debug("ws session ended: {}", e.what());
  }
  // The one place the session ends: whichever loop finished, the others were cancelled
  // and have returned, so nothing touches this object any more.
  auth_timer.cancel();
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws).socket().close(ignored);
  spdlog::debug("ws session done");
}

asio::awaitable<void> WsSession::reader() {
  beast::flat_buffer buffer;
  for (;;) {
    while (in_full()) {
      co_await sleep(read_wake);
      if (co_await cancelled()) co_return;
    }
    auto [ec, n] = co_await ws.async_read(buffer, kUseTuple);
    if (ec) {
      // Closed by the peer, timed out, or a frame Beast refused (1009/1007).
      spdlog::debug("ws read ended: {}", ec.message());
      // A write to a peer that is gone must not hold the session; a close handshake of
      // ours finishes by itself (kCloseGrace).
      if (!close_queued) beast::get_lowest_layer(ws).cancel();
      co_return;
    }
    frame_seen = true;
    const bool text = ws.got_text();
    Incoming frame{beast::buffers_to_string(buffer.cdata()), text, cancels};
    buffer.consume(buffer.size());
    if (close_queued) continue;  // the close is on its way; its answer ends the read
    if (!(text ? bucket : audio_bucket).take(Steady::now())) {
      impl.metrics.record_error("rate_limited");
      enqueue(Outgoing::close(kClosePolicy, "too many messages"));
      continue;
    }
    // Speech queued before a `cancel` is not decoded, and what is being decoded is not
    // answered (WsConnection::is_cancel). The cancel itself still goes to the handler.
    if (text && authenticated && WsConnection::is_cancel(frame.data)) ++cancels;
    if (!text && in_bytes + frame.data.size() > impl.options.max_frame_bytes) {
      // The decoding is more than a whole frame's worth of audio behind this client: the
      // audio is dropped (memory stays bounded, the socket is still read) and the utterance
      // it belonged to answers busy (handle).
      audio_dropped = true;
      continue;
    }
    frame.lost_before = std::exchange(audio_dropped, false);
    in_bytes += frame.data.size();
    if (joins_last(frame)) {
      in.back().data += frame.data;
      in.back().lost_before = in.back().lost_before || frame.lost_before;
      continue;  // the handler was woken for it already
    }
    in.push_back(std::move(frame));
    wake(in_wake);
  }
}

asio::awaitable<void> WsSession::handler() {
  for (;;) {
    if (in.empty()) {
      if (conn.shutting_down) going_away();
      co_await sleep(in_wake);
      if (co_await cancelled()) co_return;
      continue;
    }
    Incoming frame = std::move(in.front());
    in.pop_front();
    in_bytes -= frame.data.size();
    wake(read_wake);
    if (close_queued) continue;
    handling = true;
    co_await handle(frame);
    handling = false;
    if (conn.shutting_down) going_away();
  }
}

asio::awaitable<void> WsSession::handle(Incoming& frame) {
  auto& p = proto;
  const std::string_view payload = frame.data;
  WsOutput o;
  if (!frame.text && p.binary_is_cheap()) {
    // The rest of an already checked utterance: no store, no dialog, no pool hop.
    o = p.on_binary(payload);
  } else {
    const bool text = frame.text;
    o = co_await on_pool(impl.pool, [&p, payload, text] {
      return text ? p.on_text(payload) : p.on_binary(payload);
    });
  }
  after_call();
  const bool speech = o.speech;
  enqueue(std::move(o));
  if (!speech || close_queued) co_return;
  // Audio of an utterance the client cancelled since: not decoded (the cancel, still
  // queued, drops it).
  if (frame.epoch != cancels) co_return;
  // Audio dropped by the reader before this frame, or read more than max_speech_lag ago
  // (the speech threads are behind every stream, or this client sends faster than they
  // decode it): the utterance in progress answers busy. The loss is the utterance's that
  // this frame continues, never a later one's.
  // The lag is also checked before the hop: audio already that late is shed on the worker
  // pool (SpokenTurn::shed), not queued behind every stream's decoding only to answer busy.
  // Otherwise each of a session's frames waited its turn on the speech threads, one hop
  // after the other: a session behind them fell further behind at each audio_end, until
  // its frames filled `in` and the reader stopped (no pongs, no answers: the soak's stall).
  bool lost = frame.lost_before;
  const auto lag = impl.options.max_speech_lag;
  for (;;) {
    const bool dropped = std::exchange(lost, false);
    WsOutput decoded;
    if (Steady::now() - frame.read_at > lag) {
      decoded = co_await on_pool(impl.pool, [&p] { return p.shed_speech(); });
    } else {
      decoded = co_await on_pool(impl.speech_pool, [&p, dropped, read_at = frame.read_at, lag] {
        return p.on_speech(Steady::now() - read_at > lag, dropped);
      });
    }
    if (close_queued) co_return;
    if (frame.epoch != cancels) {
      // Cancelled while decoding (the cancel, still queued, forgets the utterance).
      p.drop_spoken(decoded);
      enqueue(std::move(decoded));
      co_return;
    }
    const bool spoken = decoded.spoken;
    enqueue(std::move(decoded));
    // The final transcript went out; the dialog answers it on the worker pool, as typed text.
    if (spoken) enqueue(co_await on_pool(impl.pool, [&p] { return p.on_spoken(); }));
    if (close_queued || !p.speech_pending()) co_return;
  }
}

asio::awaitable<void> WsSession::writer() {
  // However the writer ends, a read still pending must end too.
  struct EndRead {
    Stream& ws;
    ~EndRead() { beast::get_lowest_layer(ws).cancel(); }
  } end_read{ws};
  for (;;) {
    if (out.empty()) {
      co_await sleep(out_wake);
      if (co_await cancelled()) co_return;
      continue;
    }
    if (auto& front = out.front(); front.stored) {
      // Group commit: the answer leaves once its turns are stored. The store's thread
      // wakes this strand; the check and the wait are on the strand, so no wake is lost.
      if (!front.stored->done()) {
        out_wake.expires_at(Steady::time_point::max());
        front.stored->on_done([ex = ex, weak = weak_from_this()] {
          // Posted to the strand, where the session ends: there it is alive or gone.
          asio::post(ex, [weak] {
            if (auto s = weak.lock()) wake(s->out_wake);
          });
        });
        co_await out_wake.async_wait(kUseTuple);
        if (co_await cancelled()) co_return;
        if (!front.stored->done()) continue;  // woken by enqueue; on_done is still armed
      }
      if (auto ids = front.stored->wait(); !ids && front.unstored)
        front.text = front.unstored(ids.error());
      front.stored.reset();
    }
    Outgoing o = std::move(out.front());
    out.pop_front();
    if (o.close_code) {
      websocket::close_reason reason;
      reason.code = static_cast<std::uint16_t>(o.close_code);
      reason.reason = o.close_reason;
      // After the close frames, Beast waits for the peer to drop TCP, without a deadline.
      // A peer that never does must not hold the connection (or a shutdown) open.
      asio::steady_timer guard(ex, kCloseGrace);
      guard.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
      });
      auto [cec] = co_await ws.async_close(reason, kUseTuple);
      guard.cancel();
      spdlog::debug("ws close {} sent: {}", o.close_code, cec.message());
      co_return;
    }
    ws.text(true);
    auto [ec, n] = co_await ws.async_write(asio::buffer(o.text), kUseTuple);
    if (ec) co_return;
  }
}

asio::awaitable<void> Server::Impl::ws_session(std::shared_ptr<Connection> conn,
                                               http::request<http::string_body> req,
                                               UpgradeCheck check) {
  // Only this frame owns the session (the store's callbacks hold it weakly), so it ends
  // on this strand.
  auto session = std::make_shared<WsSession>(*this, *conn, check);
  conn->session = session.get();
  co_await session->run(std::move(req));
  conn->session = nullptr;
}

bool Server::Impl::evict_idle() {
  std::shared_ptr<Connection> victim;
  {
    // A connection in `live` is alive while live_mutex is held (its LiveGuard erases it
    // first), so its flag is read through the raw pointer; only the victim is locked, and
    // its last reference is dropped on its strand below.
    std::lock_guard lock(live_mutex);
    for (auto& [p, w] : live) {
      if (!p->idle) continue;
      if ((victim = w.lock())) break;
    }
  }
  if (!victim) return false;
  auto ex = victim->executor;
  asio::dispatch(ex, [victim = std::move(victim)] {
    victim->shutting_down = true;
    if (victim->idle) victim->stream.cancel();
  });
  return true;
}

// Takes the reference by value and hands it to the strand: the last reference to a
// Connection must drop on its strand, never on the thread that collected `live`, or its
// stream would be destroyed while a handler of that strand still runs.
void Server::Impl::shutdown_connection(std::shared_ptr<Connection> conn) {
  auto ex = conn->executor;
  asio::dispatch(ex, [conn = std::move(conn)] {
    conn->shutting_down = true;
    if (conn->session) {
      conn->session->shut_down();
    } else if (conn->idle) {
      conn->stream.cancel();
    }
  });
}

void Server::Impl::begin_stop() {
  {
    std::lock_guard lock(stop_mutex);
    if (stop_started) return;
    stop_started = true;
  }
  stopping = true;
  spdlog::info("stopping: draining connections");
  asio::post(ioc, [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    std::vector<std::shared_ptr<Connection>> conns;
    {
      std::lock_guard lock(live_mutex);
      for (auto& [p, w] : live)
        if (auto c = w.lock()) conns.push_back(std::move(c));
    }
    for (auto& c : conns) shutdown_connection(std::move(c));
    asio::co_spawn(ioc, drain(), asio::detached);
  });
}

asio::awaitable<void> Server::Impl::drain() {
  auto deadline = Steady::now() + options.drain_timeout;
  asio::steady_timer t(ioc);
  while (live_count() > 0 && Steady::now() < deadline) {
    // Connections that arrived between the acceptor closing and now get the same news.
    {
      std::vector<std::shared_ptr<Connection>> conns;
      {
        std::lock_guard lock(live_mutex);
        for (auto& [p, w] : live)
          if (auto c = w.lock()) conns.push_back(std::move(c));
      }
      for (auto& c : conns) shutdown_connection(std::move(c));
    }
    t.expires_after(std::chrono::milliseconds(50));
    co_await t.async_wait(kUseTuple);
  }
  if (live_count() > 0) spdlog::warn("drain timeout: {} connections cut", live_count());
  for (auto& c : iocs) c->stop();
}

// Login sessions expire (refresh TTL) or are revoked; their rows go, so that logins in a
// loop cannot grow the store without bound.
asio::awaitable<void> Server::Impl::sweep_sessions() {
  asio::steady_timer t(ioc);
  while (!stopping) {
    auto removed = co_await on_pool(pool, [this] { return deps.auth.delete_expired_sessions(); });
    if (!removed)
      spdlog::warn("deleting expired login sessions failed: {}", removed.error().detail);
    else if (*removed > 0)
      spdlog::info("deleted {} expired or revoked login sessions", *removed);
    t.expires_after(options.session_sweep_interval);
    co_await t.async_wait(kUseTuple);
  }
}

namespace {

// Speech decoding yields the cores to everything else: on a small machine a text answer
// must not wait behind a second of decoding, while a spoken answer can take a little
// longer. Each of the pool's threads lowers its own priority (Linux nice is per thread);
// the latch makes each thread take exactly one of the tasks. The tasks share the latch:
// the last to arrive may still be inside arrive_and_wait when this function returns, and
// a latch on this frame then was gone under it (seen as a pool thread waiting forever on
// freed stack, so that the process never exited).
void lower_priority(asio::thread_pool& pool, int threads, int nice) {
  auto all = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i) {
    asio::post(pool, [all, nice] {
      if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) != 0)
        spdlog::debug("pool threads keep their priority: {}", std::strerror(errno));
      all->arrive_and_wait();
    });
  }
  all->wait();
}

}  // namespace

Server::Server(Options options, Deps deps)
    : impl_(std::make_unique<Impl>(std::move(options), deps)) {
  lower_priority(impl_->speech_pool, std::max(1, impl_->options.speech_threads), kSpeechNice);
  lower_priority(impl_->hash_pool, std::max(1, impl_->options.hash_threads), kHashNice);
}

Server::~Server() {
  // Blocking work still queued must not run against a destroyed server.
  impl_->hash_pool.join();
  impl_->speech_pool.join();
  impl_->pool.join();
}

namespace {

// Every connection is a descriptor; the usual soft limit of 1024 would refuse connections
// long before memory or CPU run out. Raising the soft limit to the hard one needs no
// privilege. Answers the soft limit in force.
rlim_t raise_descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur >= lim.rlim_max) return lim.rlim_cur;
  rlim_t before = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("cannot raise the open-file limit above {}", before);
    return before;
  }
  return lim.rlim_cur;
}

// Descriptors kept for everything but client sockets: the store's files, the speech
// models, logs, espeak-ng pipes.
constexpr rlim_t kReservedDescriptors = 128;

}  // namespace

Result<std::uint16_t> Server::listen() {
  const rlim_t fds = raise_descriptor_limit();
  const rlim_t usable = fds > 2 * kReservedDescriptors ? fds - kReservedDescriptors : fds / 2;
  impl_->max_connections = impl_->options.max_connections > 0
                               ? impl_->options.max_connections
                               : static_cast<int>(std::min<rlim_t>(usable, 1'000'000));
  auto& acc = impl_->acceptor;
  boost::system::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(impl_->options.host, std::to_string(impl_->options.port),
                                  tcp::resolver::passive, ec);
  if (ec || results.empty())
    return make_error(Errc::unavailable, "cannot resolve " + impl_->options.host + ": " +
                                             ec.message());
  tcp::endpoint ep = results.begin()->endpoint();
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(Errc::unavailable, "cannot listen on " + impl_->options.host + ":" +
                                             std::to_string(impl_->options.port) + ": " +
                                             ec.message());
  return acc.local_endpoint().port();
}

void Server::run() {
  auto& impl = *impl_;
  asio::co_spawn(impl.ioc, impl.listen_loop(), asio::detached);
  asio::co_spawn(impl.ioc, impl.sweep_sessions(), asio::detached);
  std::optional<asio::signal_set> signals;
  if (impl.options.handle_signals) {
    signals.emplace(impl.ioc, SIGINT, SIGTERM);
    signals->async_wait([&impl](boost::system::error_code ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received", sig);
      impl.begin_stop();
    });
  }
  // The other contexts have no work of their own until a connection lands on them.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.iocs.size(); ++i) {
    keep.push_back(asio::make_work_guard(*impl.iocs[i]));
    threads.emplace_back([&c = *impl.iocs[i]] { c.run(); });
  }
  impl.ioc.run();
  for (auto& c : impl.iocs) c->stop();
  for (auto& t : threads) t.join();
  // Utterances still on the pools finish and store what they store.
  impl.hash_pool.join();
  impl.speech_pool.join();
  impl.pool.join();
  spdlog::info("stopped");
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace hark::server
