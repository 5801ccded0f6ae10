#include "asr/speech_stream.h"

namespace hark::asr {
namespace {

audio::StreamDecoder make_decoder(const StreamOptions& o) {
  return audio::StreamDecoder(o.format, audio::StreamDecoder::Options{o.max_chunk_bytes});
}

std::size_t cap_samples(const StreamOptions& o) {
  return static_cast<std::size_t>(o.endpointing.max_utterance_ms) * audio::kTargetRate / 1000;
}

}  // namespace

SpeechStream::SpeechStream(RecognizerPool& pool, StreamOptions options)
    : pool_(pool),
      options_(options),
      decoder_(make_decoder(options)),
      endpointer_(options.endpointing),
      buffer_(cap_samples(options)) {}

SpeechStream::~SpeechStream() = default;

void SpeechStream::set_options(const StreamOptions& options) {
  if (options.pronouncer != options_.pronouncer) guessed_.reset();
  options_ = options;
  decoder_ = make_decoder(options);
  endpointer_ = audio::Endpointer(options.endpointing);
  buffer_ = audio::UtteranceBuffer(cap_samples(options));
  reset();
}

void SpeechStream::release_lease() {
  if (!lease_) return;
  lease_->cancel();
  cmn_ = lease_->cepstral_mean();  // this session's channel, for its next utterance
  lease_.release();
}

const Pronunciations& SpeechStream::user_pronunciations() {
  if (!guessed_)
    guessed_ = options_.pronouncer && !user_words_.empty() ? options_.pronouncer->pronounce(user_words_)
                                                           : Pronunciations{};
  return *guessed_;
}

void SpeechStream::reset() {
  release_lease();
  decoder_.reset();
  endpointer_.reset();
  buffer_.clear();
  has_audio_ = false;
  discard_ = false;
  since_partial_ = 0;
  last_partial_.clear();
}

void SpeechStream::cancel() { reset(); }

bool SpeechStream::shed(bool audio_lost) {
  if (discard_) return false;
  if (!audio_lost && !endpointer_.heard_speech()) return false;  // nothing heard yet: cheap to follow
  release_lease();
  buffer_.clear();
  discard_ = true;
  return true;
}

Result<void> SpeechStream::feed(std::span<const std::int16_t> samples) {
  if (auto r = lease_->process(samples); !r) return r;
  since_partial_ += samples.size();
  return {};
}

std::span<const std::int16_t> SpeechStream::utterance() const {
  const std::size_t pre = static_cast<std::size_t>(options_.pre_roll_ms) * audio::kTargetRate / 1000;
  const std::size_t start = endpointer_.speech_start_sample();
  return buffer_.samples().subspan(start > pre ? start - pre : 0);
}

Result<void> SpeechStream::ensure_lease(bool may_wait) {
  if (lease_ || !endpointer_.heard_speech()) return {};
  // Audio time since speech began stands for the wait: it is wall time for a client that
  // streams in real time, and keeps the stream's behaviour independent of the machine.
  const auto waited = std::chrono::milliseconds(
      (buffer_.size() - endpointer_.speech_start_sample()) * 1000 / audio::kTargetRate);
  const auto left = pool_.max_wait() - waited;
  const Pronunciations& guessed = user_pronunciations();  // before borrowing: may run espeak-ng
  RecognizerPool::Lease lease = pool_.try_acquire();
  if (!lease) {
    if (!may_wait && left > std::chrono::milliseconds(0)) return {};
    auto waited_lease = pool_.acquire_within(may_wait ? left : std::chrono::milliseconds(0));
    if (!waited_lease) return waited_lease.error();
    lease = std::move(*waited_lease);
  }
  lease_ = std::move(lease);
  if (!user_words_.empty()) lease_->add_words(user_words_, guessed);
  lease_->set_cepstral_mean(cmn_);
  if (auto r = lease_->start(); !r) return r;
  return feed(utterance());
}

Result<std::string> SpeechStream::finish_recognizer() {
  if (options_.rescore_final) {
    release_lease();
    const Pronunciations& guessed = user_pronunciations();  // guessed already when speech began
    // A decoder reserved for whole utterances (never fed in blocks: batch CMN).
    auto final_lease = pool_.acquire_final(pool_.max_wait());
    if (!final_lease) return final_lease.error();
    if (!user_words_.empty()) (*final_lease)->add_words(user_words_, guessed);
    return (*final_lease)->recognize(utterance());
  }
  auto text = lease_->finish();
  cmn_ = lease_->cepstral_mean();
  lease_.release();
  return text;
}

Result<StreamUpdate> SpeechStream::push(std::span<const std::uint8_t> chunk) {
  samples_.clear();
  if (auto r = decoder_.decode(chunk, samples_); !r) return r.error();
  StreamUpdate update;
  if (samples_.empty()) return update;
  has_audio_ = true;
  if (discard_) {
    const audio::Endpoint e = endpointer_.push(samples_);
    if (e == audio::Endpoint::speech_ended || e == audio::Endpoint::max_length) {
      update.ended = true;
      reset();
    }
    return update;
  }
  const std::size_t before = buffer_.size();
  buffer_.append(samples_);
  const std::span<const std::int16_t> fresh = buffer_.samples().subspan(before);
  const audio::Endpoint event = endpointer_.push(fresh);
  const bool ended = event == audio::Endpoint::speech_ended || event == audio::Endpoint::max_length;

  if (lease_) {
    if (auto r = feed(fresh); !r) {
      reset();
      return r.error();
    }
  } else if (auto r = ensure_lease(ended); !r) {
    if (r.error().code == Errc::busy && !ended) {
      // Follow the rest of the utterance with the end-pointer alone, so that it is not
      // heard as a new one starting in the middle of a sentence.
      buffer_.clear();
      discard_ = true;
    } else {
      reset();
    }
    return r.error();
  }

  if (ended) {
    update.ended = true;
    if (!endpointer_.stood_out()) {  // cut out of the background: nothing to hear
      reset();
      return update;
    }
    update.heard_speech = true;
    auto text = finish_recognizer();
    reset();
    if (!text) return text.error();
    update.final_text = std::move(*text);
    return update;
  }
  if (!lease_ && !endpointer_.heard_speech() && buffer_.full()) {
    // 30 s without speech: nothing to recognize; start over.
    update.ended = true;
    reset();
    return update;
  }
  const std::size_t interval = static_cast<std::size_t>(options_.partial_interval_ms) * audio::kTargetRate / 1000;
  if (lease_ && since_partial_ >= interval) {
    since_partial_ = 0;
    std::string p = lease_->partial();
    if (p != last_partial_) {
      last_partial_ = p;
      update.partial = std::move(p);
    }
  }
  return update;
}

Result<StreamUpdate> SpeechStream::end() {
  StreamUpdate update;
  if (!has_audio_) return update;
  update.ended = true;
  if (discard_) {
    reset();
    return update;
  }
  samples_.clear();
  decoder_.finish(samples_);
  if (!samples_.empty()) {
    const std::size_t before = buffer_.size();
    buffer_.append(samples_);
    endpointer_.push(buffer_.samples().subspan(before));
    if (lease_) (void)feed(buffer_.samples().subspan(before));
  }
  if (!endpointer_.stood_out()) {
    reset();
    return update;
  }
  if (auto r = ensure_lease(true); !r) {
    reset();
    return r.error();
  }
  update.heard_speech = true;
  auto text = finish_recognizer();
  reset();
  if (!text) return text.error();
  update.final_text = std::move(*text);
  return update;
}

}  // namespace hark::asr
