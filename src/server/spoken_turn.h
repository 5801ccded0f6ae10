// One connection's spoken utterances, free of JSON and sockets: audio and audio_end come
// in (queued, cheap), decode() turns them into events on the speech pool, and a finished
// utterance is handed to the dialog as text (WsConnection::on_spoken, on the worker pool).
// Not thread-safe: one call at a time (the connection's handler makes them in order).
#pragma once

#include "asr/speech_stream.h"
#include "common/error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::server {

// What decode() has to say, in order.
struct SpeechEvent {
  enum class Kind {
    partial,        // a partial transcript of `turn_id`
    final_text,     // the final transcript: `text` goes to the dialog
    nothing_heard,  // an empty final transcript: the client ended silence
    error,          // `code` (bad_audio, too_large, busy or the stream's own), detail in `text`
  };
  Kind kind;
  std::string turn_id;
  std::string text;  // partial or final transcript; error detail
  Errc code = Errc::internal;  // error only
};

class SpokenTurn {
 public:
  enum class State {
    idle,       // no utterance: the next audio starts one
    listening,  // audio of `turn_id()` is coming in
    dropped,    // it had its error (busy, speech_unavailable...): the rest is not heard
  };

  // `stream` may be null (speech off or still loading); it can be given later.
  explicit SpokenTurn(std::unique_ptr<asr::SpeechStream> stream = nullptr);
  ~SpokenTurn();

  State state() const { return state_; }
  // The utterance in progress (starts one when idle).
  const std::string& turn_id();
  std::optional<std::string> current_turn() const;
  bool has_stream() const { return stream_ != nullptr; }
  void set_stream(std::unique_ptr<asr::SpeechStream> stream) {
    stream_ = std::move(stream);
    // An utterance shed before there was a stream: the new one only end-points its rest.
    if (stream_ && state_ == State::dropped && follow_end_) stream_->shed(/*audio_lost=*/true);
  }
  asr::SpeechStream* stream() { return stream_.get(); }

  // A chunk of audio: false when there is nothing to decode (the utterance was dropped, and
  // not busy: a busy one's rest still goes to the end-pointer, which ends it).
  bool add_audio(std::string_view bytes);
  // The utterance cannot be heard (no recognizer): it had its answer.
  void drop() {
    state_ = State::dropped;
    answered_since_end_ = true;
  }
  // audio_end; `can_decode`: a recognizer is there. False: nothing to decode (dropped, or
  // no recognizer); `unanswered` then tells whether the client heard nothing at all about
  // its audio since its previous audio_end.
  bool end(bool can_decode, bool* unanswered = nullptr);
  // cancel, or typed text in its place, or new audio settings: the utterance is gone.
  void cancel();
  // New stream options (drops the utterance in progress).
  void set_options(const asr::StreamOptions& options);

  // Decodes what add_audio and end queued (blocks: call on the speech pool). `behind`: the
  // audio waited too long to be decoded (the server is overloaded): an utterance in
  // progress answers busy and is only end-pointed from then on, which costs little.
  // `audio_lost`: audio of this connection was dropped before it was queued (the server
  // was too far behind it): the utterance answers busy even if no speech was heard yet,
  // since the lost audio may have held it. Never a transcript of what is left.
  std::vector<SpeechEvent> decode(bool behind = false, bool audio_lost = false);
  // What decode(behind) does when the server is so far behind this connection that the
  // audio queued is not even looked at (WsSession::handle): that audio is lost, so the
  // utterance in progress answers busy (audio_lost), its queued audio is dropped, and a
  // queued audio_end ends it as decode would. No decoding: needs no speech thread (a
  // decoder the utterance held is given back, which finishes its search).
  std::vector<SpeechEvent> shed();
  // Audio queued and not yet decoded: a decode stops after a partial or a final
  // transcript, and the audio after it waits for the next decode.
  bool has_pending() const { return pending_pos_ < pending_audio_.size(); }

 private:
  void on_error(const Error& e, std::vector<SpeechEvent>& out);
  void on_update(const asr::StreamUpdate& u, bool client_ended, std::vector<SpeechEvent>& out);
  // The queued audio_end, once the stream has ended what it had: an empty final transcript
  // when nothing was answered since the last audio_end; the next audio starts a new turn.
  void close_end(std::vector<SpeechEvent>& out);
  void finish_turn() {
    state_ = State::idle;
    turn_id_.clear();
    follow_end_ = false;
  }
  void clear_pending() {
    pending_audio_.clear();
    pending_pos_ = 0;
  }

  std::unique_ptr<asr::SpeechStream> stream_;
  State state_ = State::idle;
  std::string turn_id_;
  // Something answered (a response or an error) since the last audio_end: an audio_end
  // after silence alone then needs no answer of its own.
  bool answered_since_end_ = false;
  bool follow_end_ = false;      // dropped as busy: the stream end-points the rest
  std::string pending_audio_;    // for decode(), read from pending_pos_ on
  std::size_t pending_pos_ = 0;  // how much of pending_audio_ the stream has had
  bool pending_end_ = false;     // audio_end, for decode()
};

}  // namespace hark::server
