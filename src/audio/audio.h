// Audio in: bytes from the client -> 16 kHz mono int16 samples -> utterance boundaries.
// Everything here is plain computation (no I/O, no threads); one object per stream,
// not thread-safe, cheap to create except the Resampler (which wraps libsoxr).
#pragma once

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace hark::audio {

// The rate every later stage works at (the pocketsphinx en-us model is trained at 16 kHz).
inline constexpr int kTargetRate = 16000;

enum class Encoding { pcm16, wav };

// What a session says it sends (the protocol's `config.audio`). A chunk that starts with a
// RIFF header is read as WAV whatever this says.
struct Format {
  Encoding encoding = Encoding::pcm16;
  int sample_rate = kTargetRate;  // 8000..96000
  int channels = 1;               // 1 or 2 (interleaved, averaged to mono)
};

// Checks a session's format. bad_request/invalid_field with a sentence when unusable.
Result<void> validate(const Format& format);

// The header of a WAV file, as far as decoding needs it.
struct WavHeader {
  int sample_rate = 0;
  int channels = 0;
  std::size_t data_offset = 0;  // first byte of the samples
  std::size_t data_size = 0;    // bytes of samples the header announces (may exceed the buffer)
};

// Reads a RIFF/WAVE header. Only 16-bit PCM (format 1, or WAVE_FORMAT_EXTENSIBLE holding
// PCM), 1 or 2 channels, 8..96 kHz are accepted; anything else is an error value.
// REQUIRES: `bytes` holds at least the header up to the start of the data chunk.
Result<WavHeader> parse_wav_header(std::span<const std::uint8_t> bytes);

// Streaming sample-rate conversion to 16 kHz mono (libsoxr, high quality).
class Resampler {
 public:
  // REQUIRES: validate({.., in_rate, channels}) holds.
  Resampler(int in_rate, int channels);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Appends the 16 kHz mono samples for `interleaved` input to `out`.
  void process(std::span<const std::int16_t> interleaved, std::vector<std::int16_t>& out);
  // Appends what the filter still holds (call once at the end of the stream).
  void flush(std::vector<std::int16_t>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes one utterance's stream of chunks (PCM16 LE or WAV, any rate, mono/stereo) into
// 16 kHz mono. Chunks may split samples or frames anywhere; a WAV header must come whole
// in the first chunk.
class StreamDecoder {
 public:
  struct Options {
    // A single chunk larger than this is refused with too_large (the stream stays usable).
    std::size_t max_chunk_bytes = 1 << 20;
  };

  explicit StreamDecoder(Format format);
  StreamDecoder(Format format, Options options);
  ~StreamDecoder();
  StreamDecoder(StreamDecoder&&) noexcept;
  StreamDecoder& operator=(StreamDecoder&&) noexcept;

  // Appends the decoded samples of `chunk` to `out`. An error leaves the decoder as it was
  // before the call, so the caller may go on with the next chunk or reset().
  Result<void> decode(std::span<const std::uint8_t> chunk, std::vector<std::int16_t>& out);
  // Appends the resampler's tail; call at the end of the utterance.
  void finish(std::vector<std::int16_t>& out);
  // Ready for a new utterance (the next chunk may again carry a WAV header).
  void reset();
  void set_format(Format format);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Decodes a whole buffer (a WAV file, or raw PCM in `format`) to 16 kHz mono.
Result<std::vector<std::int16_t>> decode_all(std::span<const std::uint8_t> bytes,
                                             Format format = {});

// Voice activity detection and end-pointing on 16 kHz mono samples.
struct EndpointerOptions {
  int frame_ms = 20;                // analysis frame, 10..30 ms
  int trailing_silence_ms = 700;    // silence after speech that ends the utterance
  int min_speech_ms = 80;           // voiced frames (within onset_window_ms) that start speech
  int onset_window_ms = 200;
  int max_utterance_ms = 30000;     // hard cap on one utterance with speech, counted from its first sample
  double speech_margin_db = 10.0;   // frame energy above the noise floor to count as speech
  double hold_margin_db = 6.0;      // lower margin while in speech (hysteresis)
  double min_speech_dbfs = -48.0;   // frames quieter than this are never speech
  // Frames whose zero-crossing rate (crossings per sample) is above this are noise-like
  // (white noise is ~0.5; voiced speech is well below 0.25) and cannot start speech.
  double max_voiced_zcr = 0.3;
  // The noise floor also follows the background up: it is at least the quietest
  // smooth_ms-average of the last floor_window_ms (minimum statistics), in speech too. So
  // a steady or clattering background (a kitchen) is silence once the voice stops, and
  // the trailing silence is judged on that average against the floor: noise does not keep
  // an utterance open until max_utterance_ms.
  int floor_window_ms = 3000;
  int smooth_ms = 100;
  // An utterance is speech only if its loudest smooth_ms average stood this far above the
  // noise floor (stood_out()). A kitchen's clatter reaches about 12 dB over its floor; a
  // voice at 6 dB peak SNR over that noise about 13-14 dB or more.
  double min_stand_out_db = 13.0;
  // The same for an utterance that began before the stream's first floor was known (its
  // first floor_window_ms) and did not stand out this far once it was: its levels are judged
  // on a floor taken from the same seconds, the quietest of them, so the background's own
  // range counts (a kitchen's loudest 100 ms in 3-4 s is up to about 16 dB above it).
  double min_early_stand_out_db = 16.0;
};

enum class Endpoint {
  none,            // nothing new
  speech_started,  // the first speech of the utterance was just heard
  speech_ended,    // trailing silence after speech: the utterance is over
  max_length,      // the utterance with speech reached max_utterance_ms
};

class Endpointer {
 public:
  Endpointer() : Endpointer(EndpointerOptions{}) {}
  explicit Endpointer(EndpointerOptions options);

  // Feeds samples (any count; frames are cut internally). Returns the most important event
  // of this call (speech_ended/max_length over speech_started over none). After an end
  // event the endpointer ignores input until reset().
  Endpoint push(std::span<const std::int16_t> samples);
  // Ready for the next utterance of the same stream: the background estimate (the noise
  // floor) is kept. A new stream needs a new Endpointer.
  void reset();

  bool heard_speech() const { return speech_started_; }
  bool ended() const { return ended_; }
  // Milliseconds of speech-like frames heard so far.
  int speech_ms() const { return speech_frames_ * options_.frame_ms; }
  // Sample index (from the start of the utterance) where speech began; 0 if none.
  std::size_t speech_start_sample() const { return speech_start_sample_; }
  double noise_floor_dbfs() const { return noise_floor_db_; }
  // How far the utterance's loudest smoothed_ms level since speech began stood above the
  // noise floor (dB): the floor of its moment, or for levels heard before the floor was
  // known (the stream's first floor_window_ms), the floor now.
  double stand_out_db() const;
  // Speech began and stood out of the background by min_stand_out_db (or
  // min_early_stand_out_db, see there). False for an utterance cut out of the background
  // itself (steady noise taken for speech before the floor was known, a clatter): the
  // caller should not hear it as a command.
  bool stood_out() const;
  // The floor follows a full floor_window_ms of this stream's audio.
  bool floor_known() const { return window_filled_ >= window_db_.size(); }

 private:
  void frame(std::span<const std::int16_t> f);
  // The smooth_ms average of frame power (dB), and the floor's rise to the window minimum.
  double smooth(double power);
  void follow_background(double smoothed_db);

  EndpointerOptions options_;
  std::size_t frame_len_;
  std::vector<std::int16_t> pending_;  // a partial frame, reserved to frame_len_
  double noise_floor_db_;
  bool floor_set_ = false;
  bool speech_started_ = false;
  bool ended_ = false;
  Endpoint event_ = Endpoint::none;
  int frames_ = 0;
  int speech_frames_ = 0;
  int silence_run_ = 0;
  std::vector<bool> onset_;  // ring of the last onset_window frames: speech-like or not
  int onset_pos_ = 0;
  int onset_count_ = 0;
  std::size_t speech_start_sample_ = 0;
  std::vector<double> recent_power_;  // ring of the last smooth_ms frames' power
  double recent_sum_ = 0;
  std::vector<double> window_db_;     // ring of the last floor_window_ms smoothed levels
  std::size_t window_pos_ = 0;
  std::size_t window_filled_ = 0;     // levels in window_db_ (of this stream, all utterances)
  // The utterance's loudest smoothed level since its onset: above the floor of its moment
  // (while the floor is known), and absolute (before it is).
  double stand_out_db_ = -200.0;
  double early_peak_db_ = -200.0;
  bool spans_first_floor_ = false;  // began before the first floor, did not stand out of it
};

// The samples of one utterance, capped (30 s by default). Reserves its capacity once.
class UtteranceBuffer {
 public:
  explicit UtteranceBuffer(std::size_t max_samples = 30 * kTargetRate);
  // Appends as much as fits; returns false when something had to be dropped (full).
  bool append(std::span<const std::int16_t> samples);
  void clear() { samples_.clear(); }
  bool full() const { return samples_.size() >= max_samples_; }
  std::span<const std::int16_t> samples() const { return samples_; }
  std::size_t size() const { return samples_.size(); }
  double seconds() const { return static_cast<double>(samples_.size()) / kTargetRate; }

 private:
  std::size_t max_samples_;
  std::vector<std::int16_t> samples_;
};

}  // namespace hark::audio
