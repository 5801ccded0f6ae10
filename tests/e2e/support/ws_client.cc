#include "ws_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <deque>
#include <optional>

namespace hark::e2e {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string WsMessage::type() const {
  if (kind != Kind::json) return {};
  auto it = object.find("type");
  if (it == object.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

std::string WsMessage::describe() const {
  switch (kind) {
    case Kind::json: return "json " + boost::json::serialize(object);
    case Kind::not_json: return "non-JSON text frame: " + raw.substr(0, 300);
    case Kind::binary: return "binary frame of " + std::to_string(raw.size()) + " bytes";
    case Kind::timeout: return "timeout (no message)";
    case Kind::closed:
      return "closed (code " + std::to_string(close_code) + ", reason '" + close_reason +
             "'" + (error.empty() ? "" : ", " + error) + ")";
  }
  return "?";
}

struct WsClient::Impl {
  net::io_context ioc;
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;
  bool closed = false;
  int close_code = 0;
  std::string close_reason;
  std::string close_error;
  std::deque<WsMessage> stashed;  // read while ping() waited for its pong

  WsMessage finish_read();
  // Runs handlers until `done` or `deadline`; false on timeout (the operation stays pending).
  bool run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
    while (!done) {
      ioc.restart();
      if (ioc.run_one_until(deadline) == 0) {
        if (done) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        // Ran out of work without completing: nothing will ever complete.
        if (ioc.stopped()) return done;
      }
    }
    return true;
  }

  void start_read() {
    read_pending = true;
    read_done = false;
    ws->async_read(buffer, [this](beast::error_code ec, std::size_t) {
      read_ec = ec;
      read_done = true;
    });
  }

  void mark_closed(const beast::error_code& ec) {
    if (closed) return;
    closed = true;
    if (ws) {
      close_code = ws->reason().code;
      close_reason = std::string(ws->reason().reason.c_str());
    }
    if (ec != websocket::error::closed) close_error = ec.message();
  }

  bool write(net::const_buffer data, bool text) {
    if (!ws || closed) return false;
    ws->text(text);
    bool done = false;
    beast::error_code ec;
    ws->async_write(data, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!run_until(done, std::chrono::steady_clock::now() + std::chrono::seconds(15))) {
      return false;
    }
    return !ec;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

WsClient::~WsClient() {
  if (impl_->ws && !impl_->closed) {
    beast::error_code ec;
    beast::get_lowest_layer(*impl_->ws).socket().close(ec);
  }
  // Let a pending read finish with operation_aborted while `this` is alive.
  impl_->ioc.restart();
  impl_->ioc.poll();
}

WsConnect WsClient::connect(std::uint16_t port, std::string_view path, const Headers& headers,
                            std::chrono::milliseconds timeout) {
  WsConnect out;
  auto& im = *impl_;
  im.ws.emplace(im.ioc);
  im.closed = false;
  im.read_pending = false;
  im.buffer.clear();
  auto& lowest = beast::get_lowest_layer(*im.ws);
  lowest.expires_after(timeout);
  auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(1);

  bool done = false;
  beast::error_code ec;
  lowest.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
  im.run_until(done, deadline);
  if (ec || !done) {
    out.error = "connect: " + (ec ? ec.message() : std::string("timeout"));
    return out;
  }

  im.ws->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    req.set(http::field::user_agent, "hark-e2e");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  // The client may send frames larger than the server accepts; keep our own limit high.
  im.ws->read_message_max(64 * 1024 * 1024);

  websocket::response_type res;
  done = false;
  im.ws->async_handshake(res, "127.0.0.1:" + std::to_string(port), std::string(path),
                         [&](beast::error_code e) {
                           ec = e;
                           done = true;
                         });
  im.run_until(done, deadline);
  out.http_status = static_cast<int>(res.result_int());
  out.body = res.body();
  if (!done || ec) {
    out.error = "handshake: " + (ec ? ec.message() : std::string("timeout"));
    im.ws.reset();
    im.closed = true;
    return out;
  }
  // Timeouts are per call from now on (see read()).
  lowest.expires_never();
  out.ok = true;
  return out;
}

bool WsClient::send_text(std::string_view text) {
  return impl_->write(net::buffer(text.data(), text.size()), true);
}

bool WsClient::send_json(const boost::json::object& message) {
  return send_text(boost::json::serialize(message));
}

bool WsClient::send_binary(std::span<const std::uint8_t> bytes) {
  return impl_->write(net::buffer(bytes.data(), bytes.size()), false);
}

WsMessage WsClient::Impl::finish_read() {
  WsMessage msg;
  read_pending = false;
  if (read_ec) {
    mark_closed(read_ec);
    msg.kind = WsMessage::Kind::closed;
    msg.close_code = close_code;
    msg.close_reason = close_reason;
    msg.error = close_error;
    return msg;
  }
  msg.raw = beast::buffers_to_string(buffer.data());
  buffer.consume(buffer.size());
  if (!ws->got_text()) {
    msg.kind = WsMessage::Kind::binary;
    return msg;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(msg.raw, ec);
  if (ec || !v.is_object()) {
    msg.kind = WsMessage::Kind::not_json;
    return msg;
  }
  msg.kind = WsMessage::Kind::json;
  msg.object = std::move(v.as_object());
  return msg;
}

WsMessage WsClient::read(std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  if (!im.stashed.empty()) {
    WsMessage m = std::move(im.stashed.front());
    im.stashed.pop_front();
    return m;
  }
  WsMessage msg;
  if (!im.ws || im.closed) {
    msg.kind = WsMessage::Kind::closed;
    msg.close_code = im.close_code;
    msg.close_reason = im.close_reason;
    msg.error = im.close_error.empty() ? "not connected" : im.close_error;
    return msg;
  }
  if (!im.read_pending) im.start_read();
  if (!im.run_until(im.read_done, std::chrono::steady_clock::now() + timeout)) {
    msg.kind = WsMessage::Kind::timeout;
    return msg;
  }
  return im.finish_read();
}

std::optional<std::chrono::milliseconds> WsClient::ping(std::chrono::milliseconds timeout) {
  auto& im = *impl_;
  if (!im.ws || im.closed) return std::nullopt;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  bool pong = false;
  std::optional<std::chrono::steady_clock::time_point> pong_at;
  im.ws->control_callback([&](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong && !pong_at) pong_at = std::chrono::steady_clock::now();
    if (kind == websocket::frame_type::pong) pong = true;
  });
  bool sent = false;
  beast::error_code ec;
  im.ws->async_ping({}, [&](beast::error_code e) {
    ec = e;
    sent = true;
  });
  // Control frames are seen only while a read is pending: keep one, and keep what it
  // reads for read().
  while (!pong && !im.closed) {
    if (!im.read_pending) im.start_read();
    while (!pong && !im.read_done) {
      im.ioc.restart();
      if (im.ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) break;
    }
    if (pong) break;
    if (!im.read_done) break;  // timed out
    im.stashed.push_back(im.finish_read());
  }
  im.run_until(sent, deadline);
  im.ws->control_callback();
  if (!pong_at || ec) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*pong_at - start);
}

void WsClient::close() {
  auto& im = *impl_;
  if (!im.ws || im.closed) return;
  bool done = false;
  beast::error_code ec;
  im.ws->async_close(websocket::close_code::normal, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  // Beast completes the close once the pending read sees the peer's close frame.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  im.run_until(done, deadline);
  if (im.read_pending) im.run_until(im.read_done, deadline);
  im.closed = true;
  beast::error_code ignored;
  beast::get_lowest_layer(*im.ws).socket().close(ignored);
}

bool WsClient::is_open() const { return impl_->ws && !impl_->closed && impl_->ws->is_open(); }

}  // namespace hark::e2e
