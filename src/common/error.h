// Errors that cross module boundaries are values: Result<T> holds a T or an Error.
// One table in src/server maps each Errc to an HTTP status and a protocol code.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace hark {

enum class Errc {
  bad_request,          // 400: the request is malformed
  invalid_credentials,  // 401: wrong email or password (never says which)
  invalid_token,        // 401: missing, forged, expired or revoked token
  forbidden,            // 403: e.g. registration turned off
  not_found,            // 404
  email_taken,          // 409
  too_large,            // 413
  invalid_field,        // 422: a field has the wrong type or value
  rate_limited,         // 429
  busy,                 // 503: a bounded resource is exhausted; try again soon
  unavailable,          // 503: a dependency (store, recognizer) is not ready
  internal,             // 500
  // WebSocket-only codes (PROTOCOL.md, "Speech in practice" and "Rules"); an HTTP answer
  // with one of them would use the status in the table of server/wire.cc.
  unknown_type,         // a message "type" the protocol does not know
  bad_audio,            // an audio chunk that cannot be decoded (dropped, the utterance goes on)
  speech_unavailable,   // no recognizer: speech is off or still loading
};

// The snake_case name of a code, as sent to clients in "code".
std::string_view errc_name(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string detail;  // a human-readable sentence; never contains secrets
};

inline Error make_error(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

// Called by boost::system::result<T, Error>::value() when it holds an error.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace hark
