// The HTTP routes of PROTOCOL.md as plain functions of a request, free of Beast and Asio so
// they compile fast and can be tested without a socket. server.cc parses the wire format and
// calls in here; blocking routes are run on the worker pool.
#pragma once

#include "common/id.h"

#include "auth/auth.h"
#include "server/chat_sessions.h"
#include "server/metrics.h"
#include "server/store_health.h"
#include "server/server.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::string authorization;
  std::string content_type;
  std::string body;
  std::string client;  // the peer's address, for login rate limits
  std::string if_none_match;  // for the web client's files (static_files.h)
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;  // empty for 204
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error_code;  // the "code" of an error body, for metrics; empty on success
};

HttpResponse json_response(int status, const boost::json::value& body);
HttpResponse error_response(const Error& e);

// The outcome of a WebSocket upgrade request before the upgrade.
struct UpgradeCheck {
  std::optional<HttpResponse> refuse;        // set: answer this instead of upgrading
  std::optional<auth::Principal> principal;  // set: authenticated by header or ?token=
  std::string token;                         // the token that authenticated it
};

// Routing result: which route (for metrics labels) and whether it blocks.
struct RouteMatch {
  std::string label;  // route pattern, e.g. "/api/v1/chat", or "unmatched"
  bool blocking = false;
  bool is_websocket = false;  // the /api/v1/ws/stream path
  bool hashes = false;        // hashes a password (register, login): the hashing pool's
};

class Api {
 public:
  Api(const Options& options, Deps deps, Metrics& metrics, ChatSessions& chats);

  RouteMatch match(const HttpRequest& req) const;
  // Routes that never block (healthz, metrics, 404, 405): safe on a network thread.
  // nullopt when the route blocks; then call handle() on a worker thread.
  std::optional<HttpResponse> handle_inline(const HttpRequest& req);
  HttpResponse handle(const HttpRequest& req);

  // For an upgrade request on the WebSocket path; blocking (verifies the token).
  UpgradeCheck check_upgrade(const HttpRequest& req);

 private:
  struct Route;
  const Route* find_route(std::string_view path, std::string_view method, bool& path_known) const;
  Result<auth::Principal> authenticate(const HttpRequest& req);

  HttpResponse do_register(const HttpRequest& req);
  HttpResponse do_token(const HttpRequest& req);
  HttpResponse do_refresh(const HttpRequest& req);
  HttpResponse do_logout(const HttpRequest& req);
  HttpResponse do_me(const HttpRequest& req);
  HttpResponse do_delete_me(const HttpRequest& req);
  HttpResponse do_chat(const HttpRequest& req);
  HttpResponse do_history(const HttpRequest& req);
  HttpResponse do_clear_history(const HttpRequest& req);
  HttpResponse do_skills(const HttpRequest& req);
  HttpResponse do_put_contacts(const HttpRequest& req);
  HttpResponse do_get_contacts(const HttpRequest& req);
  HttpResponse do_parse(const HttpRequest& req);
  HttpResponse do_readyz(const HttpRequest& req);

  const Options& options_;
  Deps deps_;
  Metrics& metrics_;
  ChatSessions& chats_;
  StoreHealth store_health_;
};

// Shared with the WebSocket side.

}  // namespace hark::server
