// hark_echo: the ceiling the load bench compares Hark against. A bare WebSocket echo server
// built like Hark's network front (Boost.Beast, C++20 coroutines, one io_context run by
// --threads threads, one strand per connection) that does nothing with a message but send
// it back: no JSON, no auth, no storage. Plain HTTP requests get "ok" (for readiness probes).
//   hark_echo --port 8001 --threads 2
#include <sys/resource.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> echo_session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(60));
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kTuple);
    if (ec) co_return;
    if (websocket::is_upgrade(req)) {
      websocket::stream<beast::tcp_stream> ws(std::move(stream));
      beast::get_lowest_layer(ws).expires_never();
      ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
      ws.read_message_max(1024 * 1024);  // Hark's default frame limit
      auto [aec] = co_await ws.async_accept(req, kTuple);
      if (aec) co_return;
      beast::flat_buffer msg;
      for (;;) {
        auto [rec, rn] = co_await ws.async_read(msg, kTuple);
        if (rec) co_return;
        ws.text(ws.got_text());
        auto [wec, wn] = co_await ws.async_write(msg.data(), kTuple);
        if (wec) co_return;
        msg.consume(msg.size());
      }
    }
    http::response<http::string_body> res(http::status::ok, req.version());
    res.set(http::field::content_type, "text/plain");
    res.body() = "ok\n";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !req.keep_alive()) co_return;
  }
}

asio::awaitable<void> listen_loop(tcp::acceptor& acceptor, asio::io_context& ioc) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors: pause rather than spin.
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto ex = socket.get_executor();
    asio::co_spawn(ex, echo_session(std::move(socket)), asio::detached);
  }
}

bool parse_int(const char* s, long lo, long hi, long& out) {
  std::string_view v(s);
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size() && out >= lo && out <= hi;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  long port = 8001, threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool ok = i + 1 < argc;
    if (ok && flag == "--port") ok = parse_int(argv[++i], 0, 65535, port);
    else if (ok && flag == "--threads") ok = parse_int(argv[++i], 1, 64, threads);
    else if (ok && flag == "--host") host = argv[++i];
    else ok = false;
    if (!ok) {
      std::fprintf(stderr, "usage: hark_echo [--host 127.0.0.1] [--port 8001] [--threads 2]\n");
      return 2;
    }
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  try {
    asio::io_context ioc(static_cast<int>(threads));
    tcp::endpoint endpoint(asio::ip::make_address(host), static_cast<std::uint16_t>(port));
    tcp::acceptor acceptor(ioc);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    std::printf("hark_echo listening on %s:%u\n", host.c_str(), acceptor.local_endpoint().port());
    std::fflush(stdout);

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
    asio::co_spawn(ioc, listen_loop(acceptor, ioc), asio::detached);

    std::vector<std::thread> pool;
    for (long t = 1; t < threads; ++t) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hark_echo: %s\n", e.what());
    return 1;
  }
  return 0;
}
