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
  options_ = options;
  decoder_ = make_decoder(options);
  endpointer_ = audio::Endpointer(options.endpointing);
  buffer_ = audio::UtteranceBuffer(cap_samples(options));
  reset();
}

void SpeechStream::reset() {
  if (lease_) lease_->cancel();
  lease_.release();
  decoder_.reset();
  endpointer_.reset();
  buffer_.clear();
  has_audio_ = false;
  since_partial_ = 0;
  last_partial_.clear();
}

void SpeechStream::cancel() { reset(); }

Result<void> SpeechStream::feed(std::span<const std::int16_t> samples) {
  if (auto r = lease_->process(samples); !r) return r;
  since_partial_ += samples.size();
  return {};
}

Result<std::string> SpeechStream::finish_recognizer() {
  auto text = lease_->finish();
  lease_.release();
  return text;
}

Result<StreamUpdate> SpeechStream::push(std::span<const std::uint8_t> chunk) {
  samples_.clear();
  if (auto r = decoder_.decode(chunk, samples_); !r) return r.error();
  StreamUpdate update;
  if (samples_.empty()) return update;
  has_audio_ = true;
  const std::size_t before = buffer_.size();
  buffer_.append(samples_);
  const std::span<const std::int16_t> fresh = buffer_.samples().subspan(before);
  const audio::Endpoint event = endpointer_.push(fresh);

  if (endpointer_.heard_speech() && !lease_) {
    auto lease = pool_.acquire();
    if (!lease) {
      reset();
      return lease.error();
    }
    lease_ = std::move(*lease);
    if (!user_words_.empty()) lease_->add_words(user_words_);
    if (auto r = lease_->start(); !r) {
      reset();
      return r.error();
    }
    const std::size_t pre = static_cast<std::size_t>(options_.pre_roll_ms) * audio::kTargetRate / 1000;
    const std::size_t from = endpointer_.speech_start_sample() > pre ? endpointer_.speech_start_sample() - pre : 0;
    if (auto r = feed(buffer_.samples().subspan(from)); !r) {
      reset();
      return r.error();
    }
  } else if (lease_) {
    if (auto r = feed(fresh); !r) {
      reset();
      return r.error();
    }
  }

  if (event == audio::Endpoint::speech_ended || event == audio::Endpoint::max_length) {
    update.ended = true;
    update.heard_speech = true;
    auto text = finish_recognizer();
    reset();
    if (!text) return text.error();
    update.final_text = std::move(*text);
    return update;
  }
  if (!lease_ && buffer_.full()) {
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
  if (lease_) {
    samples_.clear();
    decoder_.finish(samples_);
    if (!samples_.empty()) (void)feed(samples_);
    update.heard_speech = true;
    auto text = finish_recognizer();
    reset();
    if (!text) return text.error();
    update.final_text = std::move(*text);
    return update;
  }
  reset();
  return update;
}

}  // namespace hark::asr
