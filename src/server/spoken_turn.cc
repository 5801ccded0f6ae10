#include "server/spoken_turn.h"

#include "server/api.h"
#include "server/errors.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hark::server {

SpokenTurn::SpokenTurn(std::unique_ptr<asr::SpeechStream> stream) : stream_(std::move(stream)) {}
SpokenTurn::~SpokenTurn() = default;

const std::string& SpokenTurn::turn_id() {
  if (state_ == State::idle) {
    turn_id_ = new_id("turn_");
    state_ = State::listening;
  }
  return turn_id_;
}

std::optional<std::string> SpokenTurn::current_turn() const {
  if (state_ == State::idle) return std::nullopt;
  return turn_id_;
}

bool SpokenTurn::add_audio(std::string_view bytes) {
  turn_id();
  // The rest of an utterance that had its error; a busy one's still finds its end.
  if (state_ == State::dropped && !follow_end_) return false;
  pending_audio_.append(bytes);
  return true;
}

bool SpokenTurn::end(bool can_decode, bool* unanswered) {
  if (state_ == State::dropped || !can_decode) {
    if (unanswered) *unanswered = !answered_since_end_ && state_ != State::dropped;
    // A busy utterance's stream is still following it: the next audio starts a new one.
    if (follow_end_ && stream_) stream_->cancel();
    clear_pending();
    finish_turn();
    answered_since_end_ = false;
    return false;
  }
  pending_end_ = true;
  return true;
}

void SpokenTurn::cancel() {
  if (stream_) stream_->cancel();
  clear_pending();
  pending_end_ = false;
  finish_turn();
}

void SpokenTurn::set_options(const asr::StreamOptions& options) {
  if (stream_) stream_->set_options(options);
  finish_turn();
}

void SpokenTurn::on_error(const Error& e, std::vector<SpeechEvent>& out) {
  const std::string turn = turn_id();
  if (e.code == Errc::busy) {
    // The utterance is dropped; its remainder is only end-pointed (SpeechStream).
    out.push_back({SpeechEvent::Kind::error, turn,
                   "Every speech recognizer is busy; say it again in a moment.", Errc::busy});
    state_ = State::dropped;
    follow_end_ = true;
  } else if (e.code == Errc::bad_request || e.code == Errc::too_large) {
    // This chunk is dropped; the utterance goes on.
    out.push_back({SpeechEvent::Kind::error, turn, e.detail,
                   e.code == Errc::too_large ? Errc::too_large : Errc::bad_audio});
  } else {
    spdlog::warn("speech: {}", e.detail);
    out.push_back({SpeechEvent::Kind::error, turn, client_detail(e), e.code});
    state_ = State::dropped;
  }
  answered_since_end_ = true;
}

void SpokenTurn::on_update(const asr::StreamUpdate& u, bool client_ended,
                           std::vector<SpeechEvent>& out) {
  const std::string turn = turn_id();
  if (u.partial && state_ != State::dropped)
    out.push_back({SpeechEvent::Kind::partial, turn, *u.partial, {}});
  if (!u.ended) return;
  const bool answered = state_ == State::dropped;
  finish_turn();
  if (answered) return;
  if (!u.heard_speech || u.final_text.empty()) {
    // Silence or noise alone is no utterance: nothing to answer, unless the client ended
    // it itself and got no answer since its last audio_end (it is waiting for one): then
    // an empty final transcript says that nothing was heard.
    if (client_ended && !answered_since_end_) {
      out.push_back({SpeechEvent::Kind::nothing_heard, turn, {}, {}});
      answered_since_end_ = true;
    }
    return;
  }
  out.push_back({SpeechEvent::Kind::final_text, turn, u.final_text, {}});
  answered_since_end_ = true;
}

std::vector<SpeechEvent> SpokenTurn::decode(bool behind, bool audio_lost) {
  std::vector<SpeechEvent> out;
  if (!stream_) {
    clear_pending();
    pending_end_ = false;
    return out;
  }
  if ((behind || audio_lost) && state_ == State::listening && stream_->shed(audio_lost))
    on_error(make_error(Errc::busy, "the speech pool fell behind"), out);
  // Audio read while the last decoding ran arrives joined: it goes to the stream in slices,
  // and a decoding stops at the first slice that has something to say (a partial, a final
  // transcript), so that it reaches the client at once; the rest waits for the next call
  // (has_pending).
  constexpr std::size_t kSlice = 6400;  // 200 ms of 16 kHz PCM
  const auto* data = reinterpret_cast<const std::uint8_t*>(pending_audio_.data());
  std::size_t pos = pending_pos_;
  while (pos < pending_audio_.size()) {
    if (pos > pending_pos_ && state_ == State::dropped && !follow_end_) {
      pos = pending_audio_.size();  // its error was said: the rest is not heard
      break;
    }
    const std::size_t n = std::min(kSlice, pending_audio_.size() - pos);
    auto update = stream_->push(std::span(data + pos, n));
    pos += n;
    if (!update) {
      on_error(update.error(), out);
      pos = pending_audio_.size();  // one error for what was read at once
      break;
    }
    const std::size_t said = out.size();
    on_update(*update, pending_end_ && pos == pending_audio_.size(), out);
    if (out.size() > said) break;
  }
  // What is left is read from pending_pos_ next time: no front erase of a long batch.
  pending_pos_ = pos;
  if (has_pending()) return out;
  clear_pending();
  if (pending_end_) {
    auto update = stream_->end();
    if (!update)
      on_error(update.error(), out);
    else if (update->ended)
      on_update(*update, true, out);
    close_end(out);
  }
  return out;
}

void SpokenTurn::close_end(std::vector<SpeechEvent>& out) {
  if (!answered_since_end_)
    out.push_back({SpeechEvent::Kind::nothing_heard, new_id("turn_"), {}, {}});  // no audio
  finish_turn();
  answered_since_end_ = false;
  pending_end_ = false;
}

std::vector<SpeechEvent> SpokenTurn::shed() {
  std::vector<SpeechEvent> out;
  if (state_ == State::listening) {
    if (stream_) stream_->shed(/*audio_lost=*/true);
    on_error(make_error(Errc::busy, "the speech pool fell behind"), out);
  }
  clear_pending();
  if (pending_end_) {
    if (stream_) stream_->cancel();  // what it had of the utterance is not finished
    close_end(out);
  }
  return out;
}

}  // namespace hark::server
