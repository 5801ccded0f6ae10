// A blocking WebSocket client for the end-to-end tests, with a timeout on every call.
// One read may stay pending across read() calls that time out, so a timed-out read never
// breaks the connection.
#pragma once

#include "http_client.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hark::e2e {

struct WsConnect {
  bool ok = false;
  int http_status = 0;   // status of a refused upgrade (101 when accepted)
  std::string body;      // body of a refused upgrade
  std::string error;     // transport error text when neither happened
};

struct WsMessage {
  enum class Kind { json, not_json, binary, timeout, closed };
  Kind kind = Kind::timeout;
  boost::json::object object;  // when kind == json
  std::string raw;             // frame payload (json, not_json, binary)
  int close_code = 0;          // when closed: the peer's close code, 0 for none (TCP drop)
  std::string close_reason;
  std::string error;           // when closed without a close frame: the transport error

  bool is_json() const { return kind == Kind::json; }
  bool is_closed() const { return kind == Kind::closed; }
  std::string type() const;  // object["type"] as a string, "" when absent or not a string
  // A one-line description for assertion messages.
  std::string describe() const;
};

class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // `path` with the query, e.g. "/api/v1/ws/stream?token=...".
  WsConnect connect(std::uint16_t port, std::string_view path, const Headers& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // False when the write failed (for example the server closed the connection).
  bool send_text(std::string_view text);
  bool send_json(const boost::json::object& message);
  bool send_binary(std::span<const std::uint8_t> bytes);

  WsMessage read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a WebSocket ping (a control frame, not the JSON ping) and answers the time to
  // its pong, or nullopt when none came within `timeout`. Messages that arrive meanwhile
  // are kept for read().
  std::optional<std::chrono::milliseconds> ping(std::chrono::milliseconds timeout);
  // Sends a close frame (1000) and waits for the peer's; quiet when already closed.
  void close();
  bool is_open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hark::e2e
