// The one table that maps hark::Errc to an HTTP status, and the error bodies built from it.
#pragma once

#include "common/error.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace hark::server {

// HTTP status for an error code (400, 401, 403, 404, 409, 413, 422, 429, 500, 503).
int http_status(Errc code);

// The sentence a client may see for `e`. Internal failures and unavailable dependencies
// (the store's own words: SQL, file names, driver messages) are logged here and answered
// with a fixed sentence; every other detail is already written for the client.
std::string client_detail(const Error& e);

// {"detail", "code"}: the body of every failed HTTP request (detail per client_detail).
boost::json::object http_error_body(const Error& e);

// {"type": "error", "code", "detail", "turn_id"?, "in_reply_to"?}: a WebSocket error.
// Never has a "message" key, so clients that speak every "message" stay quiet.
// `in_reply_to` is the client message's own "id", echoed as sent (string or number).
boost::json::object ws_error(std::string_view code, std::string_view detail,
                             const std::optional<std::string>& turn_id = {},
                             const boost::json::value* in_reply_to = nullptr);

}  // namespace hark::server
