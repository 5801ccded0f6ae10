#include "common/error.h"

#include <stdexcept>

namespace hark {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::bad_request: return "bad_request";
    case Errc::invalid_credentials: return "invalid_credentials";
    case Errc::invalid_token: return "invalid_token";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::email_taken: return "email_taken";
    case Errc::too_large: return "too_large";
    case Errc::invalid_field: return "invalid_field";
    case Errc::rate_limited: return "rate_limited";
    case Errc::busy: return "busy";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
    case Errc::unknown_type: return "unknown_type";
    case Errc::bad_audio: return "bad_audio";
    case Errc::speech_unavailable: return "speech_unavailable";
  }
  return "internal";
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(errc_name(e.code)) + ": " + e.detail);
}

}  // namespace hark
