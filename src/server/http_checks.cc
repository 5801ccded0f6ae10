#include "server/http_checks.h"

#include <boost/asio/ip/address.hpp>
#include <sodium.h>

#include <algorithm>

#include <cctype>

namespace hark::server {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> transfer_encoding_problem(const std::vector<std::string_view>& values,
                                                     bool has_content_length) {
  if (values.empty()) return std::nullopt;
  if (values.size() != 1 || !iequals(trim(values.front()), "chunked"))
    return "Only \"Transfer-Encoding: chunked\" is supported.";
  if (has_content_length)
    return "A request must not carry both Transfer-Encoding and Content-Length.";
  return std::nullopt;
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](std::string_view a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (trusted_proxies.empty() || !trusted(peer)) return std::string(peer);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    std::string_view hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (hop.empty()) continue;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(hop), ec);
    if (ec) break;  // not an address: trust nothing further left
    if (!trusted(address.to_string())) return address.to_string();
  }
  return std::string(peer);
}

bool valid_websocket_key(std::string_view key) {
  key = trim(key);
  if (key.size() != 24) return false;
  unsigned char bytes[18];
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes, sizeof bytes, key.data(), key.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  return len == 16 && end == key.data() + key.size();
}

}  // namespace hark::server
