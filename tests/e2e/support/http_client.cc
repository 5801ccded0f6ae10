#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace hark::e2e {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Runs the io_context until `done` (every operation here has a tcp_stream deadline, so
// this always returns).
void run_until(net::io_context& ioc, const bool& done) {
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
}

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("response body is not JSON (status " +
                                   std::to_string(status) + "): " + body.substr(0, 500));
  return v;
}

boost::json::object HttpResponse::object() const {
  auto v = json();
  if (!v.is_object()) throw std::runtime_error("response body is not a JSON object: " +
                                               body.substr(0, 500));
  return v.as_object();
}

std::string HttpResponse::header(std::string_view name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  net::io_context ioc;
  std::uint16_t port;
  bool keep_alive;
  std::chrono::milliseconds timeout;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void connect() {
    stream.emplace(ioc);
    buffer.clear();
    stream->expires_after(timeout);
    bool done = false;
    beast::error_code ec;
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
    stream->async_connect(ep, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    run_until(ioc, done);
    if (ec) {
      stream.reset();
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                               ec.message());
    }
  }

  // Writes `raw` in chunks and stops early when the server has already answered
  // (a server refusing an oversized body answers before reading it all).
  beast::error_code write_raw(const std::string& raw) {
    std::size_t sent = 0;
    beast::error_code ec;
    while (sent < raw.size()) {
      if (sent > 0) {
        beast::error_code aec;
        if (stream->socket().available(aec) > 0 && !aec) break;
      }
      std::size_t n = std::min(kChunk, raw.size() - sent);
      bool done = false;
      stream->expires_after(timeout);
      net::async_write(*stream, net::buffer(raw.data() + sent, n),
                       [&](beast::error_code e, std::size_t) {
                         ec = e;
                         done = true;
                       });
      run_until(ioc, done);
      if (ec) return ec;
      sent += n;
    }
    return ec;
  }

  HttpResponse read_response(beast::error_code& ec) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    bool done = false;
    stream->expires_after(timeout);
    http::async_read(*stream, buffer, parser, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    run_until(ioc, done);
    HttpResponse out;
    if (ec) return out;
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers[lower(field.name_string())] = std::string(field.value());
    }
    out.body = res.body();
    if (!res.keep_alive()) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(std::uint16_t port, bool keep_alive, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->keep_alive = keep_alive;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body, std::string_view content_type,
                                 const Headers& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  req.set(http::field::user_agent, "hark-e2e");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(impl_->keep_alive);
  req.body() = std::string(body);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.prepare_payload();
  }
  std::ostringstream os;
  os << req;
  const std::string raw = os.str();

  // A kept connection may have been closed by the server meanwhile: retry once afresh.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->stream.has_value();
    if (!reused) impl_->connect();
    beast::error_code write_ec = impl_->write_raw(raw);
    beast::error_code read_ec;
    HttpResponse res = impl_->read_response(read_ec);
    if (!read_ec) {
      if (!impl_->keep_alive) impl_->stream.reset();
      return res;
    }
    impl_->stream.reset();
    if (reused && attempt == 0) continue;
    throw std::runtime_error(std::string(method) + " " + std::string(target) +
                             ": no answer (" + read_ec.message() +
                             (write_ec ? ", write: " + write_ec.message() : std::string()) +
                             ")");
  }
  throw std::runtime_error("unreachable");
}

namespace {
Headers bearer(std::string_view token) {
  Headers h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + std::string(token));
  return h;
}
}  // namespace

HttpResponse HttpClient::get(std::string_view target, std::string_view token) {
  return request("GET", target, {}, {}, bearer(token));
}

HttpResponse HttpClient::del(std::string_view target, std::string_view token) {
  return request("DELETE", target, {}, {}, bearer(token));
}

HttpResponse HttpClient::post_json(std::string_view target, const boost::json::value& body,
                                   std::string_view token) {
  return request("POST", target, boost::json::serialize(body), "application/json",
                 bearer(token));
}

HttpResponse HttpClient::put_json(std::string_view target, const boost::json::value& body,
                                  std::string_view token) {
  return request("PUT", target, boost::json::serialize(body), "application/json",
                 bearer(token));
}

}  // namespace hark::e2e
