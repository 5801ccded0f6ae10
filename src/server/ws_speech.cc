// The spoken side of a WebSocket connection: audio chunks in, transcripts and the dialog's
// response out. on_text/on_binary only queue the audio in the SpokenTurn (cheap); on_speech
// decodes it on the speech pool; on_spoken answers the final transcript on the worker pool.
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
  if (!tts_ || reply.message.empty()) return;
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
  // Contact names the dictionary lacks are guessed with it before a decoder is borrowed.
  if (deps_.speech) o.pronouncer = deps_.speech->pronouncer();
  return o;
}

std::unique_ptr<asr::SpeechStream> WsConnection::new_speech_stream() {
  asr::RecognizerPool* pool = deps_.speech ? deps_.speech->pool() : nullptr;
  if (!pool) return nullptr;
  auto stream = std::make_unique<asr::SpeechStream>(*pool, stream_options());
  // The user's contact names, so that "call Zoltan" can be heard. Read once per
  // connection: contacts put later are heard from the next connection on.
  if (auto contacts = deps_.store.contacts(principal_->user_id); contacts) {
    std::vector<std::string> words;
    for (const auto& c : *contacts) {
      words.push_back(c.name);
      for (const auto& alias : c.aliases) words.push_back(alias);
    }
    stream->set_user_words(std::move(words));
  }
  return stream;
}

bool WsConnection::speech_ready() const { return deps_.speech && deps_.speech->pool(); }

bool WsConnection::is_cancel(std::string_view frame) {
  if (frame.size() > 256 || frame.find("cancel") == std::string_view::npos) return false;
  boost::system::error_code ec;
  json::value v = json::parse(frame, ec);
  if (ec || !v.is_object()) return false;
  const auto* type = v.get_object().if_contains("type");
  return type && type->is_string() && type->get_string() == "cancel";
}

void WsConnection::on_cancel() {
  turn_.cancel();
  spoken_.reset();
}

void WsConnection::on_audio_chunk(std::string_view bytes, ReplyTo reply_to, WsOutput& out) {
  if (!turn_.add_audio(bytes)) return;  // the rest of an utterance that already had its error
  if (!speech_ready()) {
    const bool loading = deps_.speech && deps_.speech->state() == asr::SpeechService::State::loading;
    error(out, Errc::speech_unavailable, loading ? kLoading : kUnavailable, turn_.current_turn(),
          reply_to);
    turn_.drop();
    return;
  }
  pending_reply_to_ = reply_to ? *reply_to : json::value();
  out.speech = true;
}

void WsConnection::on_audio_end(ReplyTo reply_to, WsOutput& out) {
  pending_reply_to_ = reply_to ? *reply_to : json::value();
  bool unanswered = false;
  if (turn_.end(speech_ready(), &unanswered)) {
    out.speech = true;
    return;
  }
  // Nothing to decode. An audio_end with no audio at all since the last answer gets
  // speech_unavailable when speech is off, so a client never waits for nothing.
  if (unanswered && !speech_ready())
    error(out, Errc::speech_unavailable, kUnavailable, new_id("turn_"), reply_to);
}

WsOutput WsConnection::on_speech(bool behind, bool audio_lost) {
  if (!turn_.has_stream()) turn_.set_stream(new_speech_stream());
  return speech_output(turn_.decode(behind, audio_lost));
}

WsOutput WsConnection::shed_speech() { return speech_output(turn_.shed()); }

WsOutput WsConnection::speech_output(std::vector<SpeechEvent> events) {
  WsOutput out;
  const ReplyTo reply_to = pending_reply_to_.is_null() ? nullptr : &pending_reply_to_;
  for (auto& e : events) {
    switch (e.kind) {
      case SpeechEvent::Kind::partial:
        out.messages.push_back(transcript_frame(e.turn_id, e.text, false));
        break;
      case SpeechEvent::Kind::nothing_heard:
        out.messages.push_back(transcript_frame(e.turn_id, "", true));
        break;
      case SpeechEvent::Kind::error:
        error(out, e.code, e.text, e.turn_id, reply_to);
        break;
      case SpeechEvent::Kind::final_text:
        spoken_message_ = out.messages.size();
        out.messages.push_back(transcript_frame(e.turn_id, e.text, true));
        spoken_ = std::move(e);
        out.spoken = true;
        break;
    }
  }
  return out;
}

void WsConnection::drop_spoken(WsOutput& decoded) {
  if (!decoded.spoken) return;
  decoded.messages.erase(decoded.messages.begin() + static_cast<std::ptrdiff_t>(spoken_message_));
  decoded.spoken = false;
  spoken_.reset();
}

WsOutput WsConnection::on_spoken() {
  WsOutput out;
  if (!spoken_) return out;
  const SpeechEvent said = std::move(*spoken_);
  spoken_.reset();
  metrics_.add_utterance();
  auto queued = conversation_->queue_utterance(said.text, said.turn_id, said.text);
  const ReplyTo reply_to = pending_reply_to_.is_null() ? nullptr : &pending_reply_to_;
  if (!queued)
    error(out, queued.error(), said.turn_id, reply_to);
  else
    send_queued(*queued, said.turn_id, reply_to, out);
  return out;
}

}  // namespace hark::server
