// The HTTP request path: raw bytes through Beast's request parser (with the server's
// limits), the framing and handshake checks server.cc adds, the client address behind a
// trusted proxy, then routing and the route itself (form and JSON bodies, queries). The
// word TOKEN stands for a valid access token. JSON answers must be valid JSON.
#include "server/http_checks.h"
#include "server/http_request.h"
#include "world.h"

#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hark;
  namespace http = boost::beast::http;
  if (size > 70 * 1024) return 0;
  auto& w = fuzz::world();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (std::size_t at; (at = bytes.find("TOKEN")) != std::string::npos;)
    bytes.replace(at, 5, w.tokens.access_token);

  http::request_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(bytes), ec);
  if (ec && ec != http::error::need_more) return 0;
  if (!parser.is_header_done()) return 0;
  auto& req = parser.get();
  std::vector<std::string_view> te;
  for (auto [it, end] = req.equal_range(http::field::transfer_encoding); it != end; ++it)
    te.emplace_back(it->value().data(), it->value().size());
  if (server::transfer_encoding_problem(te, req.find(http::field::content_length) != req.end()))
    return 0;  // answered 400 and closed
  (void)server::valid_websocket_key(req[http::field::sec_websocket_key]);
  const std::string client =
      server::client_address("10.0.0.1", req["X-Forwarded-For"], {"10.0.0.1"});
  if (!parser.is_done()) return 0;

  server::HttpRequest r = server::to_request(req, client);
  auto match = w.api->match(r);
  if (match.is_websocket) {
    auto check = w.api->check_upgrade(r);
    if (check.refuse) fuzz::expect_json_text(check.refuse->body);
    return 0;
  }
  // Deleting the fuzz user or its login would end the run's coverage of signed-in routes.
  if ((r.method == "DELETE" && r.target.find("/users/me") != std::string::npos) ||
      r.target.find("/auth/logout") != std::string::npos)
    return 0;
  auto resp = w.api->handle(r);
  if (resp.content_type == "application/json" && !resp.body.empty()) fuzz::expect_json_text(resp.body);
  return 0;
}
