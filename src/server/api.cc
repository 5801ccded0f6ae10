#include "server/api.h"

#include "asr/service.h"
#include "server/wire.h"
#include "server/json_util.h"
#include "server/payloads.h"
#include "server/static_files.h"

#include <boost/json.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

#include <spdlog/spdlog.h>

#include <charconv>
#include <random>

namespace json = boost::json;
namespace urls = boost::urls;

namespace hark::server {

namespace {

constexpr std::string_view kPrefix = "/api/v1";
constexpr int kMaxHistoryLimit = 200;
constexpr int kDefaultHistoryLimit = 50;

HttpResponse no_content() { return HttpResponse{204, "", "", {}, {}}; }

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

std::string bearer_token(std::string_view header) {
  if (!iequals_prefix(header, "bearer ")) return {};
  header.remove_prefix(7);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return std::string(header);
}

// The path without the query, without /api/v1, without a trailing slash.
// `prefixed` tells whether /api/v1 was there.
std::string route_path(std::string_view target, bool& prefixed) {
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  prefixed = path.starts_with(kPrefix) &&
             (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
  if (prefixed) path.remove_prefix(kPrefix.size());
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

bool query_char(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=:@/?%").find(static_cast<char>(c)) != std::string_view::npos;
}

// Bytes a form body may hold although RFC 3986 wants them escaped: `curl -d
// 'password=correct horse'` sends the space raw. Each is read as itself (escaped here),
// so a raw space means a space; '%' keeps its meaning, and a bad escape is still an error.
std::string escape_raw_bytes(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (query_char(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// Decoded query or form parameters; '+' means a space (HTML forms).
Result<std::vector<std::pair<std::string, std::string>>> decode_params(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  if (raw.empty()) return out;
  const std::string escaped = escape_raw_bytes(raw);
  std::string_view s = escaped;
  // Validate first: the (string_view, opts) constructor throws on bad input, and the one
  // taking a parsed view is not exported by Boost 1.81's libboost_url.
  if (!urls::parse_query(s)) return make_error(Errc::bad_request, "The query or form data is malformed.");
  urls::encoding_opts opt;
  opt.space_as_plus = true;
  urls::params_view params(urls::string_view(s.data(), s.size()), opt);
  for (auto p : params) out.emplace_back(std::string(p.key), p.has_value ? std::string(p.value) : "");
  return out;
}

std::optional<std::string> find_param(const std::vector<std::pair<std::string, std::string>>& ps,
                                      std::string_view key) {
  for (const auto& [k, v] : ps)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

HttpResponse json_response(int status, const json::value& body) {
  return HttpResponse{status, "application/json", json::serialize(body), {}, {}};
}

HttpResponse error_response(const Error& e) {
  auto r = json_response(http_status(e.code), http_error_body(e));
  r.error_code = errc_name(e.code);
  if (e.code == Errc::invalid_token || e.code == Errc::invalid_credentials)
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (e.code == Errc::busy || e.code == Errc::unavailable) r.headers.emplace_back("Retry-After", "1");
  return r;
}

struct Api::Route {
  std::string_view method;
  std::string_view path;  // after /api/v1
  HttpResponse (Api::*handler)(const HttpRequest&);
  bool blocking;
};

const Api::Route* Api::find_route(std::string_view path, std::string_view method,
                                  bool& path_known) const {
  // A null handler marks a route answered on the network thread by handle_inline().
  static const Route kRoutes[] = {
      {"POST", "/auth/register", &Api::do_register, true},
      {"POST", "/auth/token", &Api::do_token, true},
      {"POST", "/auth/refresh", &Api::do_refresh, true},
      {"POST", "/auth/logout", &Api::do_logout, true},
      {"GET", "/users/me", &Api::do_me, true},
      {"DELETE", "/users/me", &Api::do_delete_me, true},
      {"POST", "/chat", &Api::do_chat, true},
      {"GET", "/conversations/history", &Api::do_history, true},
      {"DELETE", "/conversations/history", &Api::do_clear_history, true},
      {"GET", "/skills", &Api::do_skills, true},
      {"PUT", "/contacts", &Api::do_put_contacts, true},
      {"GET", "/contacts", &Api::do_get_contacts, true},
      {"POST", "/nlu/parse", &Api::do_parse, true},
      {"GET", "/readyz", &Api::do_readyz, true},
      {"GET", "/healthz", nullptr, false},
      {"GET", "/metrics", nullptr, false},
      {"GET", "/ws/stream", nullptr, false},
  };
  path_known = false;
  for (const auto& r : kRoutes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) return &r;
  }
  return nullptr;
}

Api::Api(const Options& options, Deps deps, Metrics& metrics, ChatSessions& chats)
    : options_(options), deps_(deps), metrics_(metrics), chats_(chats), store_health_(deps.store) {}

RouteMatch Api::match(const HttpRequest& req) const {
  bool prefixed = false;
  auto path = route_path(req.target, prefixed);
  // Probes (healthz, readyz, metrics) also answer without /api/v1, where load balancers
  // and Prometheus look for them by default; everything else lives under /api/v1 only.
  bool probe = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!prefixed && !probe)
    return {is_static_path(req.target.substr(0, req.target.find('?'))) ? "static" : "unmatched",
            false, false};
  bool known = false;
  const Route* r = find_route(path, req.method, known);
  if (!known) return {"unmatched", false, false};
  std::string label = std::string(kPrefix) + path;
  if (!r) return {label, false, false};
  return {label, r->blocking, path == "/ws/stream",
          r->handler == &Api::do_register || r->handler == &Api::do_token};
}

std::optional<HttpResponse> Api::handle_inline(const HttpRequest& req) {
  bool prefixed = false;
  auto path = route_path(req.target, prefixed);
  bool probe = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!prefixed && !probe)
    if (auto file = serve_static(req)) return file;  // the web client
  bool known = false;
  const Route* r = (prefixed || probe) ? find_route(path, req.method, known) : nullptr;
  if (!known)
    return error_response(make_error(Errc::not_found, "There is nothing at this path."));
  if (!r) {
    std::string allow;
    for (std::string_view m : {"GET", "POST", "PUT", "DELETE"}) {
      bool k = false;
      if (find_route(path, m, k)) allow += (allow.empty() ? "" : ", ") + std::string(m);
    }
    auto resp = json_response(405, json::object{{"detail", "This method is not allowed here."},
                                                {"code", "method_not_allowed"}});
    resp.headers.emplace_back("Allow", allow);
    resp.error_code = "method_not_allowed";
    return resp;
  }
  if (path == "/healthz") return json_response(200, json::object{{"status", "ok"}});
  if (path == "/metrics")
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render(), {}, {}};
  if (path == "/ws/stream")
    return error_response(make_error(Errc::bad_request, "This endpoint needs a WebSocket upgrade."));
  return std::nullopt;
}

HttpResponse Api::handle(const HttpRequest& req) {
  if (auto r = handle_inline(req)) return *r;
  bool prefixed = false;
  auto path = route_path(req.target, prefixed);
  bool known = false;
  const Route* r = find_route(path, req.method, known);
  try {
    return (this->*(r->handler))(req);
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", req.method, path, e.what());
    return error_response(make_error(Errc::internal, "Something went wrong on our side."));
  }
}

Result<auth::Principal> Api::authenticate(const HttpRequest& req) {
  auto token = bearer_token(req.authorization);
  if (token.empty())
    return make_error(Errc::invalid_token, "This call needs a bearer access token.");
  return deps_.auth.verify(token);
}

UpgradeCheck Api::check_upgrade(const HttpRequest& req) {
  UpgradeCheck out;
  std::string token = bearer_token(req.authorization);
  if (token.empty()) {
    auto params = decode_params(query_of(req.target));
    if (!params) {
      out.refuse = error_response(params.error());
      return out;
    }
    if (auto t = find_param(*params, "token")) token = *t;
  }
  if (token.empty()) return out;  // the client will send {"type": "auth"}
  auto who = deps_.auth.verify(token);
  if (!who) {
    out.refuse = error_response(who.error());
    return out;
  }
  out.principal = *who;
  out.token = std::move(token);
  return out;
}

#define HARK_TRY_AUTH(var)                                   \
  auto var##_result = authenticate(req);                     \
  if (!var##_result) return error_response(var##_result.error()); \
  const auth::Principal& var = *var##_result

HttpResponse Api::do_register(const HttpRequest& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto email = string_field(*body, "email", true);
  auto password = string_field(*body, "password", true);
  auto name = string_field(*body, "display_name", false);
  for (auto* f : {&email, &password, &name})
    if (!*f) return error_response(f->error());
  auto user = deps_.auth.register_user(**email, **password, name->value_or(""), req.client);
  if (!user) {
    auto resp = error_response(user.error());
    if (user.error().code == Errc::rate_limited) {
      auto wait = deps_.auth.register_retry_after(req.client);
      resp.headers.emplace_back("Retry-After", std::to_string(wait > 0 ? wait : 1));
    }
    return resp;
  }
  return json_response(201, user_json(*user));
}

HttpResponse Api::do_token(const HttpRequest& req) {
  std::string email, password;
  bool is_json = iequals_prefix(req.content_type, "application/json") ||
                 (!iequals_prefix(req.content_type, "application/x-www-form-urlencoded") &&
                  !req.body.empty() && req.body.front() == '{');
  if (is_json) {
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto u = string_field(*body, "username", false);
    if (u && !*u) u = string_field(*body, "email", false);  // a natural alias
    auto p = string_field(*body, "password", true);
    if (!u) return error_response(u.error());
    if (!p) return error_response(p.error());
    if (!*u) return error_response(make_error(Errc::invalid_field, "\"username\" is required."));
    email = **u;
    password = **p;
  } else {
    auto params = decode_params(req.body);
    if (!params) return error_response(params.error());
    auto u = find_param(*params, "username");
    auto p = find_param(*params, "password");
    if (!u || !p)
      return error_response(make_error(Errc::invalid_field, "username and password are required."));
    email = *u;
    password = *p;
  }
  auto tokens = deps_.auth.login(email, password, req.client);
  if (!tokens) {
    auto resp = error_response(tokens.error());
    if (tokens.error().code == Errc::rate_limited) {
      auto wait = deps_.auth.retry_after(email, req.client);
      resp.headers.emplace_back("Retry-After", std::to_string(wait > 0 ? wait : 1));
    }
    return resp;
  }
  return json_response(200, token_json(*tokens));
}

HttpResponse Api::do_refresh(const HttpRequest& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto token = string_field(*body, "refresh_token", true);
  if (!token) return error_response(token.error());
  auto tokens = deps_.auth.refresh(**token);
  if (!tokens) return error_response(tokens.error());
  return json_response(200, token_json(*tokens));
}

HttpResponse Api::do_logout(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  if (auto r = deps_.auth.logout(who); !r) return error_response(r.error());
  chats_.drop(who.session_id);
  return no_content();
}

HttpResponse Api::do_me(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  auto user = deps_.store.find_user(who.user_id);
  if (!user) {
    if (user.error().code == Errc::not_found)
      return error_response(make_error(Errc::invalid_token, "This account no longer exists."));
    return error_response(user.error());
  }
  return json_response(200, user_json(*user));
}

HttpResponse Api::do_delete_me(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  if (auto r = deps_.auth.delete_account(who); !r) return error_response(r.error());
  chats_.drop(who.session_id);
  return no_content();
}

HttpResponse Api::do_chat(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto text = string_field(*body, "text", false);
  if (text && !*text) text = string_field(*body, "content", false);
  if (!text) return error_response(text.error());
  if (!*text) return error_response(make_error(Errc::invalid_field, "\"text\" is required."));
  auto tz = string_field(*body, "timezone", false);
  if (!tz) return error_response(tz.error());

  auto entry = chats_.get(who.session_id, who.user_id);
  std::lock_guard lock(entry->mutex);
  if (*tz) {
    if (auto r = entry->conversation->set_timezone(**tz); !r) return error_response(r.error());
  }
  metrics_.add_utterance();
  auto reply = entry->conversation->on_utterance(**text, new_id("turn_"));
  if (!reply) return error_response(reply.error());
  return HttpResponse{200, "application/json", response_frame(*reply), {}, {}};
}

HttpResponse Api::do_history(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  auto params = decode_params(query_of(req.target));
  if (!params) return error_response(params.error());
  int limit = kDefaultHistoryLimit;
  std::int64_t before = 0;
  if (auto l = find_param(*params, "limit")) {
    auto v = to_int(*l);
    if (!v || *v < 1)
      return error_response(make_error(Errc::invalid_field, "limit must be a positive integer."));
    limit = static_cast<int>(std::min<std::int64_t>(*v, kMaxHistoryLimit));
  }
  if (auto b = find_param(*params, "before"); b && !b->empty()) {
    auto v = to_int(*b);
    if (!v || *v < 1)
      return error_response(make_error(Errc::invalid_field, "before must be a positive integer."));
    before = *v;
  }
  auto turns = deps_.store.history(who.user_id, limit, before);
  if (!turns) return error_response(turns.error());
  // A short page is the last one; a full page may have more behind it.
  std::optional<std::int64_t> next;
  if (!turns->empty() && static_cast<int>(turns->size()) == limit) next = turns->back().id;
  return json_response(200, history_json(*turns, next));
}

HttpResponse Api::do_clear_history(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  if (auto r = deps_.store.clear_history(who.user_id); !r) return error_response(r.error());
  return no_content();
}

HttpResponse Api::do_skills(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  (void)who;
  json::array out;
  for (const auto& s : deps_.skills.all()) out.push_back(skill_json(s));
  return json_response(200, json::object{{"skills", std::move(out)}});
}

HttpResponse Api::do_put_contacts(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec) return error_response(make_error(Errc::bad_request, "The body is not valid JSON."));
  auto contacts = parse_contacts(v, ContactLimits{options_.max_contacts, options_.max_contact_entries,
                                                   options_.max_contact_field_bytes});
  if (!contacts) return error_response(contacts.error());
  if (auto r = deps_.store.put_contacts(who.user_id, *contacts); !r)
    return error_response(r.error());
  return no_content();
}

HttpResponse Api::do_get_contacts(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  auto contacts = deps_.store.contacts(who.user_id);
  if (!contacts) return error_response(contacts.error());
  return json_response(200, contacts_json(*contacts));
}

HttpResponse Api::do_parse(const HttpRequest& req) {
  HARK_TRY_AUTH(who);
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto text = string_field(*body, "text", true);
  if (!text) return error_response(text.error());
  auto tz = string_field(*body, "timezone", false);
  if (!tz) return error_response(tz.error());
  auto result = deps_.engine.parse(who.user_id, **text, tz->value_or("UTC"));
  if (!result) return error_response(result.error());
  return json_response(200, parse_json(*result));
}

HttpResponse Api::do_readyz(const HttpRequest& req) {
  // The reason is logged by StoreHealth once per change, not once per probe.
  if (auto r = store_health_.check(); !r) {
    auto resp = json_response(503, json::object{{"detail", "The store is not answering reads and writes."},
                                                {"code", "unavailable"}});
    resp.error_code = "unavailable";
    resp.headers.emplace_back("Retry-After", "1");
    return resp;
  }
  // Speech loads in the background; the server is ready for text meanwhile, so the probe
  // only reports it.
  const char* speech = "off";
  if (deps_.speech) {
    switch (deps_.speech->state()) {
      case asr::SpeechService::State::loading: speech = "loading"; break;
      case asr::SpeechService::State::ready: speech = "ready"; break;
      case asr::SpeechService::State::failed: speech = "failed"; break;
    }
  }
  return json_response(200, json::object{{"status", "ready"}, {"speech", speech}});
}

}  // namespace hark::server
