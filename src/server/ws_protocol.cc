#include "server/ws_protocol.h"

#include "asr/speech_stream.h"
#include "common/utf8.h"

#include "server/api.h"
#include "server/wire.h"
#include "server/json_util.h"

#include <boost/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace json = boost::json;

namespace hark::server {

namespace {

// A client message's own "id" (a string or a number), echoed as "in_reply_to".
const json::value* client_id(const json::object& msg) {
  const auto* id = msg.if_contains("id");
  if (!id || !(id->is_string() || id->is_number())) return nullptr;
  return id;
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), " \r\n", &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace

WsConnection::WsConnection(const Options& options, Deps deps, Metrics& metrics,
                           std::optional<auth::Principal> principal)
    : options_(options), deps_(deps), metrics_(metrics), id_(new_id("ws_")),
      principal_(std::move(principal)), end_silence_(options.end_silence) {
  if (principal_)
    conversation_ = std::make_unique<dialog::Conversation>(deps_.engine, principal_->user_id, principal_->session_id);
}

WsConnection::~WsConnection() = default;

void WsConnection::error(WsOutput& out, Errc code, std::string_view detail,
                         const std::optional<std::string>& turn_id, ReplyTo reply_to) {
  metrics_.record_error(errc_name(code));
  out.messages.push_back(ws_error_frame(code, detail, turn_id, reply_to));
}

void WsConnection::error(WsOutput& out, const Error& e, const std::optional<std::string>& turn_id,
                         ReplyTo reply_to) {
  error(out, e.code, client_detail(e), turn_id, reply_to);
}

void WsConnection::send_reply(const dialog::Reply& reply, WsOutput& out) {
  out.messages.push_back(response_frame(reply));
  speak(reply, out);
}

WsOutput WsConnection::start() {
  WsOutput out;
  if (!principal_) return out;
  out.messages.push_back(ready_frame(id_, principal_->user_id, principal_->email));
  return out;
}

WsOutput WsConnection::on_auth_timeout() {
  WsOutput out;
  if (principal_) return out;
  // Only the close: a client that sent nothing is not reading error messages; the close
  // reason says why.
  metrics_.record_error(errc_name(Errc::invalid_token));
  out.close_code = kCloseUnauthorized;
  out.close_reason = "authentication timeout";
  return out;
}

WsOutput WsConnection::authenticate(std::string_view frame) {
  WsOutput out;
  auto refuse = [&](std::string_view detail) {
    error(out, Errc::invalid_token, detail, std::nullopt, nullptr);
    out.close_code = kCloseUnauthorized;
    out.close_reason = "unauthorized";
    return out;
  };
  auto msg = parse_object(frame);
  if (!msg) return refuse("The first message must be {\"type\": \"auth\", \"token\": ...}.");
  const auto* type = msg->if_contains("type");
  auto token = string_field(*msg, "token", true);
  if (!type || !type->is_string() || type->get_string() != "auth" || !token)
    return refuse("The first message must be {\"type\": \"auth\", \"token\": ...}.");
  auto who = deps_.auth.verify(**token);
  if (!who) return refuse("The access token is not valid.");
  principal_ = *who;
  conversation_ = std::make_unique<dialog::Conversation>(deps_.engine, principal_->user_id, principal_->session_id);
  return start();
}

// Logout and account deletion end the login session; a connection opened with it
// must not outlive it. Checked before each utterance and audio frame, but the store is read
// at most once per kSessionRecheck per connection: a revocation by this process (the
// store's revocation epoch moves) is seen at the next message, one by another process
// sharing the database within kSessionRecheck. Token expiry alone does not end an open
// connection.
bool WsConnection::login_still_valid() {
  auto now = std::chrono::steady_clock::now();
  auto epoch = deps_.store.revocation_epoch();
  if (session_checked_ && epoch == checked_epoch_ && now - checked_at_ < kSessionRecheck)
    return true;
  auto session = deps_.store.find_session(principal_->session_id);
  bool valid = session && !session->revoked && session->user_id == principal_->user_id;
  session_checked_ = valid;
  checked_epoch_ = epoch;
  checked_at_ = now;
  return valid;
}

bool WsConnection::binary_is_cheap() const {
  return principal_ && session_checked_ &&
         deps_.store.revocation_epoch() == checked_epoch_ &&
         std::chrono::steady_clock::now() - checked_at_ < kSessionRecheck;
}

WsOutput WsConnection::on_text(std::string_view frame) {
  if (!principal_) return authenticate(frame);
  WsOutput out;
  boost::system::error_code ec;
  json::value parsed = json::parse(frame, ec);
  if (ec) {
    error(out, Errc::bad_request, "The message is not valid JSON.", std::nullopt, nullptr);
    return out;
  }
  if (!parsed.is_object()) {
    error(out, Errc::bad_request, "A message must be a JSON object.", std::nullopt, nullptr);
    return out;
  }
  const json::object& msg = parsed.get_object();
  auto reply_to = client_id(msg);

  std::string_view type;
  if (const auto* t = msg.if_contains("type"); t && !t->is_null()) {
    if (!t->is_string()) {
      error(out, Errc::invalid_field, "\"type\" must be a string.", std::nullopt, reply_to);
      return out;
    }
    type = t->get_string();
  } else if (msg.contains("content")) {
    type = "text";  // PROTOCOL.md: a message with content but no type is text
  } else {
    error(out, Errc::bad_request, "A message needs a \"type\".", std::nullopt, reply_to);
    return out;
  }

  const TextRoute* route = find_text_route(type);
  if (!route) {
    error(out, Errc::unknown_type, "Unknown message type \"" + utf8_prefix(type, 64) + "\".",
          std::nullopt, reply_to);
    return out;
  }
  if (route->checks_login && !login_still_valid()) {
    error(out, Errc::invalid_token, "This login has ended; sign in again.", std::nullopt, reply_to);
    out.close_code = kCloseUnauthorized;
    out.close_reason = "login ended";
    return out;
  }
  (this->*route->handle)(msg, reply_to, out);
  return out;
}

std::span<const WsConnection::TextRoute> WsConnection::text_routes() {
  static constexpr TextRoute kRoutes[] = {
      {"ping", false, &WsConnection::on_ping},
      {"auth", false, &WsConnection::on_reauth},
      {"text", true, &WsConnection::on_utterance_text},
      {"audio", true, &WsConnection::on_audio_message},
      {"audio_end", true, &WsConnection::on_audio_end_message},
      {"config", false, &WsConnection::on_config},
      {"confirm", true, &WsConnection::on_confirm},
      {"action_result", true, &WsConnection::on_action_result},
      {"cancel", false, &WsConnection::on_cancel_message},
  };
  return kRoutes;
}

const WsConnection::TextRoute* WsConnection::find_text_route(std::string_view type) {
  for (const auto& r : text_routes())
    if (r.type == type) return &r;
  return nullptr;
}

std::vector<std::string_view> WsConnection::text_types() {
  std::vector<std::string_view> out;
  for (const auto& r : text_routes()) out.push_back(r.type);
  return out;
}

void WsConnection::on_ping(const json::object&, ReplyTo, WsOutput& out) {
  out.messages.push_back(pong_frame());
}

void WsConnection::on_reauth(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  // Re-authentication with a fresh token for the same user is accepted silently, so a
  // long-lived connection can follow token refreshes.
  auto token = string_field(msg, "token", true);
  if (!token) return error(out, token.error(), std::nullopt, reply_to);
  auto who = deps_.auth.verify(**token);
  if (!who || who->user_id != principal_->user_id)
    return error(out, Errc::invalid_token, "The access token is not valid.", std::nullopt, reply_to);
  principal_ = *who;
  session_checked_ = false;  // the new token may name another login session
}

void WsConnection::on_utterance_text(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  auto content = string_field(msg, "content", true);
  if (!content) return error(out, content.error(), std::nullopt, reply_to);
  on_cancel();  // typed text replaces a spoken utterance in progress
  std::string turn_id = new_id("turn_");
  metrics_.add_utterance();
  // The worker does not wait for the disk: the turns join the store's next group commit
  // and the writer holds the response until they are stored.
  auto queued = conversation_->queue_utterance(**content, turn_id);
  if (!queued) return error(out, queued.error(), turn_id, reply_to);
  send_queued(*queued, turn_id, reply_to, out);
}

void WsConnection::send_queued(dialog::QueuedResponse& queued, const std::string& turn_id,
                               ReplyTo reply_to, WsOutput& out) {
  send_reply(queued.response, out);
  out.stored = std::move(queued.stored);
  out.unstored = [&metrics = metrics_, turn_id,
                  reply_to = reply_to ? *reply_to : json::value()](const Error& e) {
    Error failure = dialog::Conversation::queue_failure(e);
    metrics.record_error(errc_name(failure.code));
    return ws_error_frame(failure.code, client_detail(failure), turn_id,
                          reply_to.is_null() ? nullptr : &reply_to);
  };
}

void WsConnection::on_confirm(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  auto action_id = string_field(msg, "action_id", true);
  auto confirmed = bool_field(msg, "confirmed", true);
  if (!action_id) return error(out, action_id.error(), std::nullopt, reply_to);
  if (!confirmed) return error(out, confirmed.error(), std::nullopt, reply_to);
  std::string turn_id = new_id("turn_");
  auto reply = conversation_->on_confirm(**action_id, **confirmed, turn_id);
  if (!reply) return error(out, reply.error(), turn_id, reply_to);
  send_reply(*reply, out);
}

void WsConnection::on_action_result(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  auto action_id = string_field(msg, "action_id", true);
  auto status = string_field(msg, "status", true);
  auto detail = string_field(msg, "detail", false);
  for (auto* f : {&action_id, &status, &detail})
    if (!*f) return error(out, f->error(), std::nullopt, reply_to);
  if (**status != "done" && **status != "failed" && **status != "cancelled")
    return error(out, Errc::invalid_field, "\"status\" must be done, failed or cancelled.",
                 std::nullopt, reply_to);
  if (auto r = conversation_->on_action_result(**action_id, **status, detail->value_or("")); !r)
    error(out, r.error(), std::nullopt, reply_to);
}

void WsConnection::on_cancel_message(const json::object&, ReplyTo, WsOutput&) { on_cancel(); }

void WsConnection::on_audio_message(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  auto content = string_field(msg, "content", true);
  if (!content) return error(out, content.error(), std::nullopt, reply_to);
  auto bytes = decode_base64(**content);
  if (!bytes)
    return error(out, Errc::invalid_field, "\"content\" must be base64-encoded audio.", turn_.current_turn(),
                 reply_to);
  on_audio_chunk(*bytes, reply_to, out);
}

void WsConnection::on_audio_end_message(const json::object&, ReplyTo reply_to, WsOutput& out) {
  on_audio_end(reply_to, out);
}

WsOutput WsConnection::on_binary(std::string_view bytes) {
  WsOutput out;
  if (!principal_) {
    error(out, Errc::invalid_token, "Authenticate before sending audio.", std::nullopt, nullptr);
    out.close_code = kCloseUnauthorized;
    out.close_reason = "unauthorized";
    return out;
  }
  if (!login_still_valid()) {
    error(out, Errc::invalid_token, "This login has ended; sign in again.", std::nullopt, nullptr);
    out.close_code = kCloseUnauthorized;
    out.close_reason = "login ended";
    return out;
  }
  on_audio_chunk(bytes, nullptr, out);
  return out;
}

void WsConnection::on_config(const json::object& msg, ReplyTo reply_to, WsOutput& out) {
  // Validate everything first so a bad config changes nothing.
  std::optional<std::string> encoding;
  std::optional<int> rate, channels, end_silence_ms;
  if (const auto* audio = msg.if_contains("audio"); audio && !audio->is_null()) {
    const auto* a = audio->if_object();
    if (!a) {
      error(out, Errc::invalid_field, "\"audio\" must be an object.", std::nullopt, reply_to);
      return;
    }
    auto enc = string_field(*a, "encoding", false);
    if (!enc || (*enc && **enc != "pcm16" && **enc != "wav")) {
      error(out, Errc::invalid_field, "\"audio.encoding\" must be \"pcm16\" or \"wav\".", std::nullopt,
            reply_to);
      return;
    }
    encoding = *enc;
    if (const auto* sr = a->if_contains("sample_rate"); sr && !sr->is_null()) {
      std::int64_t v = sr->is_int64() ? sr->get_int64() : 0;
      if (v < 8000 || v > 48000) {
        error(out, Errc::invalid_field, "\"audio.sample_rate\" must be an integer from 8000 to 48000.",
              std::nullopt, reply_to);
        return;
      }
      rate = static_cast<int>(v);
    }
    // Extensions of the protocol's config.audio: raw PCM's channel count, and the
    // session's end-pointing silence.
    if (const auto* ch = a->if_contains("channels"); ch && !ch->is_null()) {
      std::int64_t v = ch->is_int64() ? ch->get_int64() : 0;
      if (v != 1 && v != 2) {
        error(out, Errc::invalid_field, "\"audio.channels\" must be 1 or 2.", std::nullopt, reply_to);
        return;
      }
      channels = static_cast<int>(v);
    }
    if (const auto* es = a->if_contains("end_silence_ms"); es && !es->is_null()) {
      std::int64_t v = es->is_int64() ? es->get_int64() : 0;
      if (v < 200 || v > 5000) {
        error(out, Errc::invalid_field,
              "\"audio.end_silence_ms\" must be an integer from 200 to 5000.", std::nullopt,
              reply_to);
        return;
      }
      end_silence_ms = static_cast<int>(v);
    }
  }
  auto tz = string_field(msg, "timezone", false);
  auto language = string_field(msg, "language", false);
  auto tts = bool_field(msg, "tts", false);
  if (!tz) return error(out, tz.error(), std::nullopt, reply_to);
  if (!language) return error(out, language.error(), std::nullopt, reply_to);
  if (!tts) return error(out, tts.error(), std::nullopt, reply_to);
  if (*tz) {
    if (auto r = conversation_->set_timezone(**tz); !r)
      return error(out, r.error(), std::nullopt, reply_to);
  }
  if (encoding) audio_format_.encoding = *encoding == "wav" ? audio::Encoding::wav : audio::Encoding::pcm16;
  if (rate) audio_format_.sample_rate = *rate;
  if (channels) audio_format_.channels = *channels;
  if (end_silence_ms) end_silence_ = std::chrono::milliseconds(*end_silence_ms);
  if (turn_.has_stream() && (encoding || rate || channels || end_silence_ms)) {
    // Settings apply between utterances: one in progress is dropped.
    turn_.set_options(stream_options());
  }
  if (*language) language_ = **language;
  if (*tts) tts_ = **tts;
}

}  // namespace hark::server
