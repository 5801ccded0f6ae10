#include "helpers.h"

#include <boost/json.hpp>

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace hark::e2e {

std::string unique_email(std::string_view prefix) {
  static std::atomic<int> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(micros % 1000000000) +
         "@example.com";
}

std::string form_encode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpResponse form_login(std::uint16_t port, std::string_view email, std::string_view password) {
  HttpClient http(port);
  return http.request("POST", api("/auth/token"),
                      "username=" + form_encode(email) + "&password=" + form_encode(password),
                      "application/x-www-form-urlencoded");
}

std::string dump(const boost::json::value& v) { return boost::json::serialize(v); }

std::string str(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

namespace {
std::string as_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return boost::json::serialize(v);
}
}  // namespace

Tokens register_and_login(std::uint16_t port, const std::string& email,
                          const std::string& password) {
  HttpClient http(port);
  auto reg = http.post_json(api("/auth/register"),
                            {{"email", email}, {"password", password}, {"display_name", "E2E"}});
  if (reg.status != 201) {
    throw std::runtime_error("register " + email + " answered " + std::to_string(reg.status) +
                             ": " + reg.body);
  }
  auto login = form_login(port, email, password);
  if (login.status != 200) {
    throw std::runtime_error("login " + email + " answered " + std::to_string(login.status) +
                             ": " + login.body);
  }
  auto body = login.object();
  Tokens t;
  t.access_token = str(body, "access_token");
  t.refresh_token = str(body, "refresh_token");
  t.email = email;
  auto user = reg.object();
  if (auto it = user.find("id"); it != user.end()) t.user_id = as_text(it->value());
  if (t.access_token.empty()) throw std::runtime_error("login gave no access_token: " + login.body);
  return t;
}

boost::json::object next_json(WsClient& ws, std::chrono::milliseconds timeout) {
  auto m = ws.read(timeout);
  if (!m.is_json()) throw std::runtime_error("expected a JSON message, got " + m.describe());
  return m.object;
}

void open_session(WsClient& ws, std::uint16_t port, const std::string& access_token) {
  auto c = ws.connect(port, api("/ws/stream"), {{"Authorization", "Bearer " + access_token}});
  if (!c.ok) {
    throw std::runtime_error("WebSocket upgrade refused: HTTP " + std::to_string(c.http_status) +
                             " " + c.body + " " + c.error);
  }
  auto ready = next_json(ws);
  if (str(ready, "type") != "ready") {
    throw std::runtime_error("expected ready, got " + dump(ready));
  }
}

boost::json::object exchange(WsClient& ws, const boost::json::object& message,
                             std::chrono::milliseconds timeout) {
  if (!ws.send_json(message)) throw std::runtime_error("send failed: " + dump(message));
  return next_json(ws, timeout);
}

boost::json::object say(WsClient& ws, std::string_view text, std::chrono::milliseconds timeout) {
  return exchange(ws, {{"type", "text"}, {"content", text}}, timeout);
}

}  // namespace hark::e2e
