// Checks of an HTTP request's framing and handshake headers that Beast leaves to the
// application. Pure functions of header values, so they are tested and fuzzed alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::server {

// Why a request's Transfer-Encoding cannot be honoured, or nullopt when it can. The only
// coding this server reads is a single "chunked" (RFC 9112 6.1: a request whose final
// coding is not chunked, or with codings the server does not know, gets 400 and the
// connection closes, else a proxy and this server could disagree on where the body ends).
// `values` holds every Transfer-Encoding field of the request.
std::optional<std::string> transfer_encoding_problem(const std::vector<std::string_view>& values,
                                                     bool has_content_length);

// The address a request speaks for. `peer` is the TCP peer; when it is one of
// `trusted_proxies`, X-Forwarded-For (`forwarded_for`, comma-separated, the nearest hop
// last) is walked from the right past trusted proxies to the first other hop, which must
// be an IP address. Otherwise (no proxies trusted: the default) the peer, whatever the
// header says, since anyone can send it.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

// RFC 6455 4.2.1: Sec-WebSocket-Key is the base64 encoding of 16 bytes (24 characters).
bool valid_websocket_key(std::string_view key);

}  // namespace hark::server
