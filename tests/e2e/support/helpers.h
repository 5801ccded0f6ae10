// Shared steps of the end-to-end tests: accounts, tokens, one WebSocket session.
#pragma once

#include "http_client.h"
#include "ws_client.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace hark::e2e {

struct Tokens {
  std::string access_token;
  std::string refresh_token;
  std::string user_id;  // as the server sent it (string or number, rendered as text)
  std::string email;
};

// An address no other test (or run) uses: "<prefix>-<pid>-<n>-<time>@example.com".
std::string unique_email(std::string_view prefix);

// Registers then logs in with the form grant. Throws std::runtime_error (with the
// server's answer) when either step fails.
Tokens register_and_login(std::uint16_t port, const std::string& email,
                          const std::string& password = "correct horse battery");
// Form login only; returns the response.
HttpResponse form_login(std::uint16_t port, std::string_view email, std::string_view password);

// "application/x-www-form-urlencoded" encoding of one value.
std::string form_encode(std::string_view value);

// Opens /api/v1/ws/stream with the bearer header and reads the "ready" message.
// Throws std::runtime_error when the upgrade or the ready message fails.
void open_session(WsClient& ws, std::uint16_t port, const std::string& access_token);

// Sends {"type":"text","content":text} and returns the next JSON message; throws when
// the next frame is not JSON (timeout, close).
boost::json::object say(WsClient& ws, std::string_view text,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends `message` and returns the next JSON message (throws as say()).
boost::json::object exchange(WsClient& ws, const boost::json::object& message,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The next message must be JSON; throws otherwise.
boost::json::object next_json(WsClient& ws,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Reads a string member, "" when absent or not a string.
std::string str(const boost::json::object& o, std::string_view key);
// Renders any JSON value compactly (for messages).
std::string dump(const boost::json::value& v);

}  // namespace hark::e2e
