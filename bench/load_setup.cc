// The setup before a measured run: the bench accounts, over plain blocking HTTP/1.1.
// Password hashing makes each register/login cost tens of milliseconds of server CPU, so
// the tokens can be kept in a file and reused by the next run against the same data.
#include "load.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

namespace hark::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Reply {
  int status = 0;  // 0: no answer at all
  std::string body;
};

Reply post(const Options& o, const std::string& target, const std::string& content_type,
           const std::string& body) {
  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(60));
    stream.connect(resolver.resolve(o.host, std::to_string(o.port)));
    http::request<http::string_body> req(http::verb::post, target, 11);
    req.set(http::field::host, o.host);
    req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  } catch (const std::exception& e) {
    return {0, e.what()};
  }
}

std::string email_of(int i) { return "bench-user-" + std::to_string(i) + "@example.com"; }
// Throwaway accounts on a throwaway data directory; the password only has to be valid.
std::string password_of(int i) { return "bench-password-" + std::to_string(i); }

std::string form_escape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool register_user(const Options& o, int i) {
  boost::json::object body{{"email", email_of(i)},
                           {"password", password_of(i)},
                           {"display_name", "Bench " + std::to_string(i)}};
  Reply r = post(o, "/api/v1/auth/register", "application/json", boost::json::serialize(body));
  if (r.status == 201 || r.status == 409) return true;
  std::cerr << "hark_load: register " << email_of(i) << ": HTTP " << r.status << " " << r.body
            << "\n";
  return false;
}

std::string login(const Options& o, int i) {
  Reply r = post(o, "/api/v1/auth/token", "application/x-www-form-urlencoded", login_form(i));
  if (r.status == 200) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (!ec && v.is_object())
      if (auto* t = v.as_object().if_contains("access_token"); t && t->is_string())
        return std::string(t->as_string());
  }
  std::cerr << "hark_load: login " << email_of(i) << ": HTTP " << r.status << "\n";
  return {};
}

std::vector<std::string> read_cache(const Options& o) {
  std::vector<std::string> tokens;
  if (o.token_cache.empty()) return tokens;
  std::ifstream in(o.token_cache);
  std::string line;
  while (static_cast<int>(tokens.size()) < o.users && std::getline(in, line))
    if (!line.empty()) tokens.push_back(line);
  if (static_cast<int>(tokens.size()) < o.users) tokens.clear();
  return tokens;
}

}  // namespace

std::string login_form(int user) {
  return "username=" + form_escape(email_of(user)) + "&password=" + form_escape(password_of(user));
}

std::vector<std::string> prepare_users(const Options& o, bool login_tokens) {
  if (login_tokens) {
    if (auto cached = read_cache(o); !cached.empty()) return cached;
  }
  // Two at a time: the server hashes on two workers by default.
  std::vector<std::string> tokens(static_cast<std::size_t>(o.users));
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  auto work = [&] {
    for (int i = next++; i < o.users && ok; i = next++) {
      if (!register_user(o, i)) {
        ok = false;
        break;
      }
      if (!login_tokens) continue;
      tokens[static_cast<std::size_t>(i)] = login(o, i);
      if (tokens[static_cast<std::size_t>(i)].empty()) ok = false;
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  if (!ok) return {};
  if (!login_tokens) return tokens;
  if (!o.token_cache.empty()) {
    std::ofstream out(o.token_cache, std::ios::trunc);
    for (const auto& t : tokens) out << t << "\n";
  }
  return tokens;
}

}  // namespace hark::bench
