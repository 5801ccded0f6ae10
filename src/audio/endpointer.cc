#include "audio/audio.h"

#include <algorithm>
#include <cmath>

namespace hark::audio {
namespace {

// Where the noise floor starts: a quiet room through a phone microphone. Starting low (rather
// than at the first frame's level) lets speech that begins at the very first sample count.
constexpr double kInitialFloorDbfs = -60.0;
// Per-frame smoothing of the floor: down fast (a quieter frame is better evidence of the
// floor), up slowly, and much more slowly inside speech so that speech doesn't raise it.
constexpr double kFloorDown = 0.2;
constexpr double kFloorUp = 0.05;
constexpr double kFloorUpInSpeech = 0.002;
// No level yet (far below any frame: 1e-10 power is -100 dB).
constexpr double kNoLevel = -200.0;

int rank(Endpoint e) {
  switch (e) {
    case Endpoint::none: return 0;
    case Endpoint::speech_started: return 1;
    default: return 2;
  }
}

}  // namespace

Endpointer::Endpointer(EndpointerOptions options)
    : options_(options),
      frame_len_(static_cast<std::size_t>(kTargetRate / 1000 * std::clamp(options.frame_ms, 10, 30))),
      noise_floor_db_(kInitialFloorDbfs) {
  options_.frame_ms = static_cast<int>(frame_len_ * 1000 / kTargetRate);
  pending_.reserve(frame_len_);
  onset_.assign(static_cast<std::size_t>(std::max(1, options_.onset_window_ms / options_.frame_ms)),
                false);
  recent_power_.assign(static_cast<std::size_t>(std::max(1, options_.smooth_ms / options_.frame_ms)), 0.0);
  window_db_.assign(static_cast<std::size_t>(std::max(1, options_.floor_window_ms / options_.frame_ms)), 0.0);
}

double Endpointer::smooth(double power) {
  const std::size_t n = recent_power_.size();
  const std::size_t at = static_cast<std::size_t>(frames_ - 1) % n;
  recent_sum_ += power - recent_power_[at];
  recent_power_[at] = power;
  const std::size_t have = std::min(n, static_cast<std::size_t>(frames_));
  return 10.0 * std::log10(std::max(recent_sum_, 0.0) / static_cast<double>(have) + 1e-10);
}

void Endpointer::follow_background(double smoothed_db) {
  window_db_[window_pos_] = smoothed_db;
  window_pos_ = (window_pos_ + 1) % window_db_.size();
  if (window_filled_ < window_db_.size()) ++window_filled_;
  // Only a full window: the first seconds keep the low start (speech may begin at once).
  if (!floor_known()) return;
  const double quietest = *std::min_element(window_db_.begin(), window_db_.end());
  noise_floor_db_ = std::max(noise_floor_db_, quietest);
}

double Endpointer::stand_out_db() const {
  // Levels heard before the floor was known are judged against the floor as it is now.
  return std::max(stand_out_db_, early_peak_db_ - noise_floor_db_);
}

bool Endpointer::stood_out() const {
  return speech_started_ &&
         stand_out_db() >= (spans_first_floor_ ? options_.min_early_stand_out_db : options_.min_stand_out_db);
}

void Endpointer::reset() {
  // The background (noise_floor_db_, window_db_) is the stream's, not the utterance's: it
  // stays, so that the next utterance starts from the room's floor and not from a quiet
  // one (which in steady noise made every utterance "speech" until the window refilled).
  pending_.clear();
  speech_started_ = false;
  ended_ = false;
  frames_ = speech_frames_ = silence_run_ = 0;
  std::fill(onset_.begin(), onset_.end(), false);
  onset_pos_ = onset_count_ = 0;
  speech_start_sample_ = 0;
  std::fill(recent_power_.begin(), recent_power_.end(), 0.0);
  recent_sum_ = 0;
  stand_out_db_ = early_peak_db_ = kNoLevel;
  spans_first_floor_ = false;
}

Endpoint Endpointer::push(std::span<const std::int16_t> samples) {
  event_ = Endpoint::none;
  while (!samples.empty() && !ended_) {
    if (pending_.empty() && samples.size() >= frame_len_) {
      frame(samples.first(frame_len_));
      samples = samples.subspan(frame_len_);
      continue;
    }
    const std::size_t n = std::min(frame_len_ - pending_.size(), samples.size());
    pending_.insert(pending_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(n));
    samples = samples.subspan(n);
    if (pending_.size() == frame_len_) {
      frame(pending_);
      pending_.clear();
    }
  }
  return event_;
}

void Endpointer::frame(std::span<const std::int16_t> f) {
  double sum = 0.0;
  int crossings = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double x = f[i];
    sum += x * x;
    if (i > 0 && ((f[i] >= 0) != (f[i - 1] >= 0))) ++crossings;
  }
  const double power = sum / static_cast<double>(f.size()) / (32768.0 * 32768.0);
  const double energy_db = 10.0 * std::log10(power + 1e-10);
  const double zcr = static_cast<double>(crossings) / static_cast<double>(f.size());
  ++frames_;
  const double smoothed_db = smooth(power);

  if (!floor_set_) {
    noise_floor_db_ = std::min(energy_db, kInitialFloorDbfs);
    floor_set_ = true;
  }
  const double margin = speech_started_ ? options_.hold_margin_db : options_.speech_margin_db;
  const double threshold = std::max(noise_floor_db_ + margin, options_.min_speech_dbfs);
  const bool loud = energy_db > threshold;
  // Onset needs voiced frames (white and hiss-like noise has a high zero-crossing rate);
  // once speech runs, fricatives ("s", "f") keep it going.
  const bool voiced = zcr <= options_.max_voiced_zcr;
  const bool speech = loud && (voiced || speech_started_);

  if (energy_db < noise_floor_db_)
    noise_floor_db_ += kFloorDown * (energy_db - noise_floor_db_);
  else
    noise_floor_db_ += (speech && speech_started_ ? kFloorUpInSpeech : kFloorUp) * (energy_db - noise_floor_db_);
  const bool floor_was_known = floor_known();
  follow_background(smoothed_db);

  auto raise = [this](Endpoint e) {
    if (rank(e) > rank(event_)) event_ = e;
  };
  // The stream's first floor is known now. An utterance taken for speech against the quiet
  // start (steady noise is, until now) that does not stand out of that floor yet may be the
  // background: from now on only its levels above the floor count, and by the margin for
  // levels judged on a floor from the same seconds (min_early_stand_out_db).
  if (!floor_was_known && floor_known() && speech_started_ &&
      early_peak_db_ - noise_floor_db_ < options_.min_early_stand_out_db) {
    early_peak_db_ = kNoLevel;
    spans_first_floor_ = true;
  }

  if (speech) ++speech_frames_;
  if (!speech_started_) {
    const std::size_t window = onset_.size();
    if (onset_[static_cast<std::size_t>(onset_pos_)]) --onset_count_;
    onset_[static_cast<std::size_t>(onset_pos_)] = speech;
    if (speech) ++onset_count_;
    onset_pos_ = static_cast<int>((static_cast<std::size_t>(onset_pos_) + 1) % window);
    if (onset_count_ * options_.frame_ms >= options_.min_speech_ms) {
      speech_started_ = true;
      silence_run_ = 0;
      const std::size_t back = window * frame_len_;
      const std::size_t here = static_cast<std::size_t>(frames_) * frame_len_;
      speech_start_sample_ = here > back ? here - back : 0;
      raise(Endpoint::speech_started);
    }
  } else {
    // Silence is the smoothed level near the floor: single loud frames of a clattering
    // background do not restart the count. The average lags the frames by its length less
    // one frame, which the count makes up for, so a clean stop ends on time.
    const bool quiet = smoothed_db <= threshold;
    silence_run_ = quiet ? silence_run_ + 1 : 0;
    const int lag = static_cast<int>(recent_power_.size()) - 1;
    if (silence_run_ > 0 && (silence_run_ + lag) * options_.frame_ms >= options_.trailing_silence_ms) {
      ended_ = true;
      raise(Endpoint::speech_ended);
    }
  }
  if (speech_started_) {
    if (floor_known())
      stand_out_db_ = std::max(stand_out_db_, smoothed_db - noise_floor_db_);
    else
      early_peak_db_ = std::max(early_peak_db_, smoothed_db);
  }
  // Without speech there is no utterance to cap (the caller bounds what it buffers).
  if (!ended_ && speech_started_ && frames_ * options_.frame_ms >= options_.max_utterance_ms) {
    ended_ = true;
    raise(Endpoint::max_length);
  }
}

UtteranceBuffer::UtteranceBuffer(std::size_t max_samples) : max_samples_(max_samples) {
  samples_.reserve(max_samples_);
}

bool UtteranceBuffer::append(std::span<const std::int16_t> samples) {
  const std::size_t room = max_samples_ - std::min(max_samples_, samples_.size());
  const std::size_t n = std::min(room, samples.size());
  samples_.insert(samples_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(n));
  return n == samples.size();
}

}  // namespace hark::audio
