// One WebSocket connection's side of the protocol (PROTOCOL.md, "WebSocket"), free of Beast
// and Asio: frames in, frames out. server.cc owns the socket, the timers and the write
// queue, and calls in here on a worker thread (the methods block on the store and the
// dialog), one call at a time per connection.
#pragma once

#include "audio/audio.h"
#include "auth/auth.h"
#include "dialog/conversation.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/spoken_turn.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hark::asr {
class SpeechStream;
struct StreamOptions;
struct StreamUpdate;
}  // namespace hark::asr

namespace hark::server {

// Close codes this server uses besides the standard ones Beast sends itself
// (1009 for an oversized message, 1007 for a text frame that is not UTF-8).
inline constexpr int kCloseGoingAway = 1001;
inline constexpr int kClosePolicy = 1008;
inline constexpr int kCloseUnauthorized = 4401;

struct WsOutput {
  std::vector<std::string> messages;  // text frames to send, in order
  int close_code = 0;                 // non-zero: close with it after sending `messages`
  std::string close_reason;
  // Audio is waiting: send `messages`, then call on_speech() on the speech pool.
  bool speech = false;
  // From on_speech: `messages` end with an utterance's final transcript; send them, then
  // call on_spoken() on the worker pool for the dialog's answer.
  bool spoken = false;
  // Set when `messages` answer an utterance whose history turns are still being committed
  // (the durability contract: no answer before its turns are stored). The writer sends
  // `messages` only once `stored` is done; if the commit failed it sends
  // unstored(error) in place of the first one.
  std::shared_ptr<store::TurnCommit> stored;
  std::function<std::string(const Error&)> unstored;
};

// Allows `rate` events per second sustained and bursts of `burst`. Not thread-safe.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  bool take(std::chrono::steady_clock::time_point now) {
    if (last_.time_since_epoch().count() != 0) {
      tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    }
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_{};
};

class WsConnection {
 public:
  // `principal` is set when the upgrade request carried a valid token.
  WsConnection(const Options& options, Deps deps, Metrics& metrics,
               std::optional<auth::Principal> principal);
  ~WsConnection();

  bool authenticated() const { return principal_.has_value(); }
  const std::string& id() const { return id_; }

  // Right after the upgrade: "ready" when already authenticated, else nothing.
  WsOutput start();
  // A text frame (one JSON message).
  WsOutput on_text(std::string_view frame);
  // A binary frame: raw audio of the current utterance.
  WsOutput on_binary(std::string_view bytes);
  // Options::auth_timeout passed without authentication.
  WsOutput on_auth_timeout();
  // The audio queued by the last on_text/on_binary (WsOutput::speech): decoding, partial
  // and final transcripts. Blocks on decoding: call it on the speech pool, in order with
  // the other calls. `behind`: the audio was read longer than Options::max_speech_lag
  // ago; `audio_lost`: the reader dropped audio (SpokenTurn::decode).
  WsOutput on_speech(bool behind = false, bool audio_lost = false);
  // In place of on_speech when the audio queued is too late to be looked at
  // (SpokenTurn::shed): it answers busy without decoding, so it needs no speech thread.
  // Call it on the worker pool: a decoder the utterance held finishes its search.
  WsOutput shed_speech();
  // After an on_speech that said WsOutput::spoken: the dialog's response to the final
  // transcript, through the same non-blocking path as typed text (the turns join the
  // store's next group commit). Call it on the worker pool.
  WsOutput on_spoken();
  // The client cancelled while `decoded` (on_speech's output) was being decoded: its
  // partials may still go, but its final transcript does not and it gets no answer.
  void drop_spoken(WsOutput& decoded);
  // Audio on_speech left for another call: it stops after a partial or a final
  // transcript, so that each goes out as soon as it is known.
  bool speech_pending() const { return turn_.has_pending(); }
  // True for a `cancel` message (cheap enough for the network thread: a short frame).
  static bool is_cancel(std::string_view frame);
  // True when on_binary would touch neither the store nor the dialog (the login was
  // checked recently and the utterance already had its answer), so the caller may run it
  // on the network thread instead of the worker pool.
  bool binary_is_cheap() const;
  // The text message types an authenticated connection handles, in its table's order.
  static std::vector<std::string_view> text_types();

 private:
  WsOutput authenticate(std::string_view frame);
  bool login_still_valid();
  using ReplyTo = const boost::json::value*;  // the client message's "id", or null

  // The text messages of an authenticated connection (PROTOCOL.md, "Client to server"):
  // one row per type, `checks_login` when the message needs the login still valid.
  using TextHandler = void (WsConnection::*)(const boost::json::object& msg, ReplyTo reply_to,
                                             WsOutput& out);
  struct TextRoute {
    std::string_view type;
    bool checks_login;
    TextHandler handle;
  };
  static std::span<const TextRoute> text_routes();
  static const TextRoute* find_text_route(std::string_view type);
  void on_ping(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_reauth(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_utterance_text(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_confirm(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_action_result(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_cancel_message(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_audio_message(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_audio_end_message(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  void on_config(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  // Speech (ws_speech.cc). A chunk or an audio_end is queued for on_speech; without a
  // ready recognizer the utterance answers one speech_unavailable error instead.
  void on_audio_chunk(std::string_view bytes, ReplyTo reply_to, WsOutput& out);
  void on_audio_end(ReplyTo reply_to, WsOutput& out);
  void on_cancel();
  bool speech_ready() const;
  asr::StreamOptions stream_options() const;
  std::unique_ptr<asr::SpeechStream> new_speech_stream();
  // on_speech's and shed_speech's events as the client's messages.
  WsOutput speech_output(std::vector<SpeechEvent> events);
  // The reply, serialized once into its frame, then (with `tts` on) its message as a
  // spoken WAV (an `audio` message after it).
  void send_reply(const dialog::Reply& reply, WsOutput& out);
  // A reply whose turns are still being committed: sent once they are stored, or the
  // commit's error in its place (WsOutput::stored). Typed and spoken turns both end here.
  void send_queued(dialog::QueuedResponse& queued, const std::string& turn_id, ReplyTo reply_to,
                   WsOutput& out);
  void speak(const dialog::Reply& reply, WsOutput& out);
  // Every error frame goes through these, which count it in the metrics once.
  void error(WsOutput& out, Errc code, std::string_view detail,
             const std::optional<std::string>& turn_id, ReplyTo reply_to);
  void error(WsOutput& out, const Error& e, const std::optional<std::string>& turn_id,
             ReplyTo reply_to);

  const Options& options_;
  Deps deps_;
  Metrics& metrics_;
  std::string id_;
  std::optional<auth::Principal> principal_;
  std::unique_ptr<dialog::Conversation> conversation_;

  // Session settings from `config`.
  audio::Format audio_format_;  // 16 kHz mono PCM until `config` says otherwise
  std::string language_ = "en-US";
  bool tts_ = false;

  // Last store check of the login session (login_still_valid).
  static constexpr std::chrono::seconds kSessionRecheck{1};
  bool session_checked_ = false;  // true: it was valid at checked_at_
  std::uint64_t checked_epoch_ = 0;
  std::chrono::steady_clock::time_point checked_at_{};

  std::chrono::milliseconds end_silence_;

  // The spoken utterance in progress, if any, and the final transcript on_spoken answers.
  SpokenTurn turn_;
  std::optional<SpeechEvent> spoken_;
  std::size_t spoken_message_ = 0;  // its final transcript's place in on_speech's output
  boost::json::value pending_reply_to_;  // the last audio message's client id, or null
};

}  // namespace hark::server
