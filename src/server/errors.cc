#include "server/errors.h"

#include <spdlog/spdlog.h>

namespace hark::server {

int http_status(Errc code) {
  switch (code) {
    case Errc::bad_request: return 400;
    case Errc::invalid_credentials: return 401;
    case Errc::invalid_token: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::email_taken: return 409;
    case Errc::too_large: return 413;
    case Errc::invalid_field: return 422;
    case Errc::rate_limited: return 429;
    case Errc::busy: return 503;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
  }
  return 500;
}

std::string client_detail(const Error& e) {
  switch (e.code) {
    case Errc::internal:
      spdlog::warn("internal error answered to a client: {}", e.detail);
      return "Something went wrong on our side.";
    case Errc::unavailable:
      spdlog::warn("unavailable answered to a client: {}", e.detail);
      return "The service is not available right now; try again shortly.";
    default:
      return e.detail;
  }
}

boost::json::object http_error_body(const Error& e) {
  return {{"detail", client_detail(e)}, {"code", errc_name(e.code)}};
}

boost::json::object ws_error(std::string_view code, std::string_view detail,
                             const std::optional<std::string>& turn_id,
                             const boost::json::value* in_reply_to) {
  boost::json::object o{{"type", "error"}, {"code", code}, {"detail", detail}};
  if (turn_id) o["turn_id"] = *turn_id;
  if (in_reply_to && !in_reply_to->is_null()) o["in_reply_to"] = *in_reply_to;
  return o;
}

}  // namespace hark::server
