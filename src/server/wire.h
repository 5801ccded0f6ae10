// The wire format of PROTOCOL.md in one place: every JSON shape the server sends (the
// WebSocket messages, the HTTP error body, /chat, /nlu/parse, history, contacts) and the
// one table from error codes to HTTP statuses. Callers hand in typed values; each frame is
// serialized once, here. (User, token and skill bodies: payloads.h.)
#pragma once

#include "common/error.h"
#include "dialog/conversation.h"
#include "store/store.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hark::server {

// ---- Error codes ----------------------------------------------------------------------

struct ErrcInfo {
  Errc code;
  int http_status;
};
// Every Errc with its HTTP status, in the enum's order (the one table).
std::span<const ErrcInfo> errc_table();
// HTTP status for an error code (400, 401, 403, 404, 409, 413, 422, 429, 500, 503).
int http_status(Errc code);
// The Errc whose errc_name is `name`, if any.
std::optional<Errc> errc_from_name(std::string_view name);

// The sentence a client may see for `e`. Internal failures and unavailable dependencies
// (the store's own words: SQL, file names, driver messages) are logged here and answered
// with a fixed sentence; every other detail is already written for the client.
std::string client_detail(const Error& e);

// {"detail", "code"}: the body of every failed HTTP request (detail per client_detail).
boost::json::object http_error_body(const Error& e);

// ---- WebSocket, server to client ------------------------------------------------------

// {"type": "error", "code", "detail", "turn_id"?, "in_reply_to"?}. Never has a "message"
// key, so clients that speak every "message" stay quiet. `in_reply_to` is the client
// message's own "id", echoed as sent (string or number); null or absent: left out.
boost::json::object ws_error(Errc code, std::string_view detail,
                             const std::optional<std::string>& turn_id = {},
                             const boost::json::value* in_reply_to = nullptr);
std::string ws_error_frame(Errc code, std::string_view detail,
                           const std::optional<std::string>& turn_id = {},
                           const boost::json::value* in_reply_to = nullptr);

// {"type": "ready", "session_id", "user": {"id", "email"}, "protocol": 1}
std::string ready_frame(std::string_view session_id, std::int64_t user_id, std::string_view email);
// {"type": "pong"}
std::string pong_frame();
// {"type": "transcript", "turn_id", "text", "final"}
std::string transcript_frame(std::string_view turn_id, std::string_view text, bool final);
// {"type": "audio", "format": "wav", "content": base64, "turn_id"}
std::string audio_frame(std::string_view base64_wav, std::string_view turn_id);

// A slot value: "HH:MM", "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" and text as strings, a number as
// a JSON double, a duration as an integer in its unit; no value: null.
boost::json::value slot_value_json(const nlu::SlotValue& v);
// {"id", "name", "params": {slot: value, ..., "number"?}, "needs_confirmation"}.
boost::json::object action_json(const dialog::Action& a);
// The same serialized: what the history keeps (dialog::Options::encode_action).
std::string action_text(const dialog::Action& a);

// {"type": "response", "id", "turn_id", "message", "action"?, "intent", "expects_reply",
//  "transcript"?}: the WebSocket message and the body of POST /chat.
boost::json::object response_json(const dialog::Reply& r);
std::string response_frame(const dialog::Reply& r);

// ---- HTTP bodies ----------------------------------------------------------------------

// POST /nlu/parse: {"intent", "slots": {name: {"value", "raw"}}, "confidence"}.
boost::json::object parse_json(const dialog::ParseReply& p);
// GET /history: {"items": [{"id", "role", "text", "created_at", "action"?}], "next_before"}.
// `next_before` null: no page behind this one.
boost::json::object history_json(const std::vector<store::Turn>& turns,
                                 std::optional<std::int64_t> next_before);
// GET /contacts: [{"name", "phones": [...], "aliases": [...]}].
boost::json::array contacts_json(const std::vector<store::Contact>& contacts);

}  // namespace hark::server
