// One connection's spoken utterances: bytes in, partial and final transcripts out.
// Decodes and resamples the audio, end-points it, and lends a decoder from the pool only
// while speech is going on (silence and noise never hold a decoder).
#pragma once

#include "asr/recognizer.h"
#include "audio/audio.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hark::asr {

struct StreamOptions {
  audio::Format format;                  // the session's `config.audio`
  audio::EndpointerOptions endpointing;  // trailing silence (700 ms), 30 s cap...
  // A partial transcript is computed after this much new speech audio (at least twice a
  // second of speech with the default).
  int partial_interval_ms = 400;
  // Audio kept from before the detected start of speech, so that no word onset is lost.
  int pre_roll_ms = 400;
  std::size_t max_chunk_bytes = 1 << 20;
  // The final transcript comes from decoding the whole utterance again (transcribe_samples:
  // the audio normalized over the utterance, as `hark transcribe` and barista_eval measure
  // it) instead of the streaming pass that gave the partials. More accurate; costs one
  // more decoding of the utterance after it ends.
  bool rescore_final = true;
  // Guesses the pronunciations of the user's words the dictionary lacks, once per
  // set_user_words and before a decoder is borrowed. Null: only dictionary words are added.
  std::shared_ptr<Pronouncer> pronouncer;
};

struct StreamUpdate {
  std::optional<std::string> partial;  // a new partial transcript (only when it changed)
  bool ended = false;        // the utterance is over: end-pointer, 30 s cap, or end()
  bool heard_speech = false;  // with ended: false means silence or noise only (no utterance)
  std::string final_text;     // with ended and heard_speech: the final transcript (may be empty)
};

// Not thread-safe: call from one worker at a time (the connection's strand on the CPU pool).
// Every call may block on decoding. When speech starts and every decoder is lent, the
// stream keeps buffering and asks again at each chunk (no thread waits); the utterance
// answers busy once PoolOptions::max_wait of audio went by without a decoder. Only an end
// (end-pointer or end()) still without a decoder blocks, for what is left of max_wait.
class SpeechStream {
 public:
  SpeechStream(RecognizerPool& pool, StreamOptions options = {});
  ~SpeechStream();

  // The next chunk of the current utterance (a new one starts with the first chunk after an
  // end). Errors: bad_request (undecodable audio), too_large (chunk), busy (no decoder free:
  // the utterance is dropped, and the rest of it is only end-pointed, so that its end
  // answers ended without speech). After an error the stream stays usable.
  Result<StreamUpdate> push(std::span<const std::uint8_t> chunk);
  // audio_end: finishes the utterance now. ended is false when no audio came since the last
  // utterance ended (e.g. the end-pointer already closed it).
  Result<StreamUpdate> end();
  // cancel: drops the utterance in progress.
  void cancel();
  // The server fell behind this stream's audio: an utterance in progress is dropped as if
  // busy (its decoder goes back to the pool; the rest of it is only end-pointed, so that its
  // end answers ended without speech). True when there was one to drop. `audio_lost`:
  // some of the stream's audio never reached it, so even before speech was heard the
  // utterance it may have held is dropped (its end, or audio_end, ends it).
  bool shed(bool audio_lost = false);

  // Session settings, applied from the next utterance on (drops the current one).
  void set_options(const StreamOptions& options);
  const StreamOptions& options() const { return options_; }
  // Words (e.g. the user's contact names) to make sure the decoder knows. Their
  // pronunciations are guessed (options().pronouncer) when speech first needs a decoder,
  // before it is borrowed.
  void set_user_words(std::vector<std::string> words) {
    user_words_ = std::move(words);
    guessed_.reset();
  }

  bool in_utterance() const { return has_audio_; }

 private:
  void reset();
  Result<void> feed(std::span<const std::int16_t> samples);
  // Lends a decoder once speech was heard and feeds it the utterance so far. With
  // `may_wait`, blocks for what is left of max_wait; else answers no lease yet (ok) or busy.
  Result<void> ensure_lease(bool may_wait);
  std::span<const std::int16_t> utterance() const;
  Result<std::string> finish_recognizer();
  // Ends the streaming lease, keeping its cepstral mean for this session.
  void release_lease();
  // The guessed pronunciations of user_words_, computed on first use. Call with no lease.
  const Pronunciations& user_pronunciations();

  RecognizerPool& pool_;
  StreamOptions options_;
  audio::StreamDecoder decoder_;
  audio::Endpointer endpointer_;
  audio::UtteranceBuffer buffer_;  // the utterance's samples (30 s cap)
  std::vector<std::int16_t> samples_;
  RecognizerPool::Lease lease_;
  std::vector<std::string> user_words_;
  std::optional<Pronunciations> guessed_;  // of user_words_, once computed
  std::vector<float> cmn_;  // this session's cepstral mean (empty: the model's initial one)
  bool has_audio_ = false;
  bool discard_ = false;  // the utterance was dropped (busy): only find its end
  std::size_t since_partial_ = 0;
  std::string last_partial_;
};

}  // namespace hark::asr
