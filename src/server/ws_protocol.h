// One WebSocket connection's side of the protocol (PROTOCOL.md, "WebSocket"), free of Beast
// and Asio: frames in, frames out. server.cc owns the socket, the timers and the write
// queue, and calls in here on a worker thread (the methods block on the store and the
// dialog), one call at a time per connection.
#pragma once

#include "auth/auth.h"
#include "dialog/conversation.h"
#include "server/metrics.h"
#include "server/server.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // True when on_binary would touch neither the store nor the dialog (the login was
  // checked recently and the utterance already had its answer), so the caller may run it
  // on the network thread instead of the worker pool.
  bool binary_is_cheap() const;

 private:
  WsOutput authenticate(std::string_view frame);
  bool login_still_valid();
  using ReplyTo = const boost::json::value*;  // the client message's "id", or null
  void on_config(const boost::json::object& msg, ReplyTo reply_to, WsOutput& out);
  // The speech seam: every chunk of the current spoken utterance arrives here, then
  // on_audio_end. Recognition is not wired yet: the utterance answers one
  // speech_unavailable error (at its first chunk, or at audio_end when it had none).
  void on_audio_chunk(std::string_view bytes, ReplyTo reply_to, WsOutput& out);
  void on_audio_end(ReplyTo reply_to, WsOutput& out);
  void error(WsOutput& out, std::string_view code, std::string_view detail,
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
  std::string audio_encoding_ = "pcm16";
  int sample_rate_ = 16000;
  std::string language_ = "en-US";
  bool tts_ = false;

  // Last store check of the login session (login_still_valid).
  static constexpr std::chrono::seconds kSessionRecheck{1};
  bool session_checked_ = false;  // true: it was valid at checked_at_
  std::uint64_t checked_epoch_ = 0;
  std::chrono::steady_clock::time_point checked_at_{};

  // The spoken utterance in progress, if any.
  std::optional<std::string> audio_turn_;
  std::size_t audio_bytes_ = 0;
};

}  // namespace hark::server
