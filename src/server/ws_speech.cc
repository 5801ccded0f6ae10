// The spoken side of a WebSocket connection: audio chunks in, transcripts and the dialog's
// response out. on_text/on_binary only queue the audio (cheap, on any thread); on_speech
// decodes it on the speech pool.
#include "asr/service.h"
#include "asr/speech_stream.h"
#include "server/api.h"
#include "server/wire.h"
#include "server/ws_protocol.h"
#include "tts/speak.h"

#include <boost/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace json = boost::json;

namespace hark::server {

namespace {

const char* const kUnavailable = "Speech recognition is not available on this server; send text.";
const char* const kLoading = "Speech recognition is still starting; try again in a few seconds.";

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

void WsConnection::speak(const dialog::Reply& reply, WsOutput& out) {
  if (!tts_) return;
  if (reply.message.empty()) return;
  auto wav = tts::speak_wav(reply.message);
  if (!wav) {
    // The answer itself went out; only its sound is missing.
    spdlog::warn("tts: {}", wav.error().detail);
    return;
  }
  out.messages.push_back(audio_frame(base64(*wav), reply.turn_id));
}

asr::StreamOptions WsConnection::stream_options() const {
  asr::StreamOptions o;
  o.format = audio_format_;
  o.endpointing.trailing_silence_ms = static_cast<int>(end_silence_.count());
  // A chunk can never be larger than a frame, which the server already bounds.
  o.max_chunk_bytes = options_.max_frame_bytes;
  return o;
}

asr::SpeechStream* WsConnection::speech_stream() {
  if (speech_) return speech_.get();
  asr::RecognizerPool* pool = deps_.speech ? deps_.speech->pool() : nullptr;
  if (!pool) return nullptr;
  speech_ = std::make_unique<asr::SpeechStream>(*pool, stream_options());
  // The user's contact names, so that "call Zoltan" can be heard. Read once per
  // connection: contacts put later are heard from the next connection on.
  if (auto contacts = deps_.store.contacts(principal_->user_id); contacts) {
    std::vector<std::string> words;
    for (const auto& c : *contacts) {
      words.push_back(c.name);
      for (const auto& alias : c.aliases) words.push_back(alias);
    }
    speech_->set_user_words(std::move(words));
  }
  return speech_.get();
}

void WsConnection::on_cancel() {
  if (speech_) speech_->cancel();
  pending_audio_.clear();
  pending_end_ = false;
  audio_turn_.reset();
  audio_answered_ = false;
}

void WsConnection::on_audio_chunk(std::string_view bytes, ReplyTo reply_to, WsOutput& out) {
  if (!audio_turn_) {
    audio_turn_ = new_id("turn_");
    audio_answered_ = false;
  }
  if (audio_answered_) return;  // the rest of an utterance that already had its error
  if (!deps_.speech || !deps_.speech->pool()) {
    const bool loading = deps_.speech && deps_.speech->state() == asr::SpeechService::State::loading;
    error(out, Errc::speech_unavailable, loading ? kLoading : kUnavailable, audio_turn_, reply_to);
    audio_answered_ = true;
    answered_since_end_ = true;
    return;
  }
  pending_audio_.append(bytes);
  pending_reply_to_ = reply_to ? *reply_to : json::value();
  out.speech = true;
}

void WsConnection::on_audio_end(ReplyTo reply_to, WsOutput& out) {
  pending_reply_to_ = reply_to ? *reply_to : json::value();
  if (audio_answered_ || !deps_.speech || !deps_.speech->pool()) {
    // Nothing to decode. An audio_end with no audio at all since the last answer gets
    // speech_unavailable when speech is off, so a client never waits for nothing.
    if (!answered_since_end_ && !audio_answered_ && (!deps_.speech || !deps_.speech->pool()))
      error(out, Errc::speech_unavailable, kUnavailable, new_id("turn_"), reply_to);
    audio_turn_.reset();
    audio_answered_ = false;
    answered_since_end_ = false;
    return;
  }
  pending_end_ = true;
  out.speech = true;
}

void WsConnection::speech_error(const Error& e, WsOutput& out) {
  const ReplyTo reply_to = pending_reply_to_.is_null() ? nullptr : &pending_reply_to_;
  if (e.code == Errc::busy) {
    // The utterance is dropped; its remainder is only end-pointed (SpeechStream).
    error(out, Errc::busy, "Every speech recognizer is busy; say it again in a moment.", audio_turn_,
          reply_to);
    audio_answered_ = true;
  } else if (e.code == Errc::bad_request || e.code == Errc::too_large) {
    // This chunk is dropped; the utterance goes on.
    error(out, e.code == Errc::too_large ? Errc::too_large : Errc::bad_audio, e.detail, audio_turn_,
          reply_to);
  } else {
    spdlog::warn("speech: {}", e.detail);
    error(out, e, audio_turn_, reply_to);
    audio_answered_ = true;
  }
  answered_since_end_ = true;
}

void WsConnection::speech_update(const asr::StreamUpdate& update, WsOutput& out) {
  if (!audio_turn_) audio_turn_ = new_id("turn_");
  if (update.partial && !audio_answered_)
    out.messages.push_back(transcript_frame(*audio_turn_, *update.partial, false));
  if (!update.ended) return;
  const std::string turn_id = *audio_turn_;
  const bool answered = audio_answered_;
  audio_turn_.reset();
  audio_answered_ = false;
  if (answered) return;
  if (!update.heard_speech || update.final_text.empty()) {
    // Silence or noise alone is no utterance: nothing to answer, unless the client ended
    // it itself and got no answer since its last audio_end (it is waiting for one): then
    // an empty final transcript says that nothing was heard.
    if (pending_end_ && !answered_since_end_)
      out.messages.push_back(transcript_frame(turn_id, "", true));
    return;
  }
  out.messages.push_back(transcript_frame(turn_id, update.final_text, true));
  answered_since_end_ = true;
  metrics_.add_utterance();
  auto response = conversation_->on_utterance(update.final_text, turn_id, update.final_text);
  if (!response) {
    error(out, response.error(), turn_id, pending_reply_to_.is_null() ? nullptr : &pending_reply_to_);
    return;
  }
  send_reply(*response, out);
}

WsOutput WsConnection::on_speech() {
  WsOutput out;
  asr::SpeechStream* stream = speech_stream();
  if (!stream) {
    pending_audio_.clear();
    pending_end_ = false;
    return out;
  }
  if (!pending_audio_.empty()) {
    auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(pending_audio_.data()),
                           pending_audio_.size());
    auto update = stream->push(bytes);
    pending_audio_.clear();
    if (update)
      speech_update(*update, out);
    else
      speech_error(update.error(), out);
  }
  if (pending_end_) {
    auto update = stream->end();
    if (!update)
      speech_error(update.error(), out);
    else if (update->ended)
      speech_update(*update, out);
    else if (!answered_since_end_)
      out.messages.push_back(transcript_frame(new_id("turn_"), "", true));  // no audio at all
    audio_turn_.reset();
    audio_answered_ = false;
    answered_since_end_ = false;
    pending_end_ = false;
  }
  return out;
}

}  // namespace hark::server
