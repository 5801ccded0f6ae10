#include "audio/audio.h"

#include <soxr.h>

#include <stdexcept>
#include <string>

namespace hark::audio {

struct Resampler::Impl {
  int in_rate = kTargetRate;
  int channels = 1;
  soxr_t soxr = nullptr;          // null when in_rate is already 16 kHz
  std::vector<std::int16_t> mono;  // reused down-mix buffer
  std::vector<std::int16_t> tmp;   // reused output buffer
};

Resampler::Resampler(int in_rate, int channels) : impl_(std::make_unique<Impl>()) {
  impl_->in_rate = in_rate;
  impl_->channels = channels;
  if (in_rate != kTargetRate) {
    soxr_error_t err = nullptr;
    soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
    // soxr dithers int16 output with noise seeded from the clock by default: the same audio
    // then came out different on every run, and the recognizer, near a tie between two
    // hypotheses, heard different words ("call mom" / "although loud"). Speech for a
    // recognizer needs no dither; the same input must give the same samples.
    io.flags |= SOXR_NO_DITHER;
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    impl_->soxr = soxr_create(in_rate, kTargetRate, 1, &err, &io, &q, nullptr);
    if (err != nullptr || impl_->soxr == nullptr)
      throw std::runtime_error(std::string("soxr_create: ") + (err ? err : "failed"));
  }
}

Resampler::~Resampler() {
  if (impl_ && impl_->soxr) soxr_delete(impl_->soxr);
}

void Resampler::process(std::span<const std::int16_t> interleaved, std::vector<std::int16_t>& out) {
  // soxr reads a null input as the end of the stream (an empty vector's data() may be
  // null); after that, more input crashes it. Nothing to resample is simply nothing.
  if (interleaved.size() < static_cast<std::size_t>(impl_->channels)) return;
  std::span<const std::int16_t> mono = interleaved;
  if (impl_->channels == 2) {
    const std::size_t n = interleaved.size() / 2;
    impl_->mono.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      impl_->mono[i] = static_cast<std::int16_t>(
          (static_cast<int>(interleaved[2 * i]) + static_cast<int>(interleaved[2 * i + 1])) / 2);
    mono = impl_->mono;
  }
  if (!impl_->soxr) {
    out.insert(out.end(), mono.begin(), mono.end());
    return;
  }
  const std::size_t cap =
      mono.size() * kTargetRate / static_cast<std::size_t>(impl_->in_rate) + 64;
  impl_->tmp.resize(cap);
  // soxr may take less than all of the input when the output buffer fills: go on until
  // every sample was used.
  while (!mono.empty()) {
    std::size_t idone = 0, odone = 0;
    if (soxr_process(impl_->soxr, mono.data(), mono.size(), &idone, impl_->tmp.data(), cap,
                     &odone) != nullptr)
      break;
    out.insert(out.end(), impl_->tmp.begin(), impl_->tmp.begin() + static_cast<std::ptrdiff_t>(odone));
    if (idone == 0 && odone == 0) break;  // no progress: never spin
    mono = mono.subspan(std::min(idone, mono.size()));
  }
}

void Resampler::flush(std::vector<std::int16_t>& out) {
  if (!impl_->soxr) return;
  impl_->tmp.resize(4096);
  for (;;) {
    std::size_t odone = 0;
    // A null input tells soxr the stream is over; it then drains its filter.
    soxr_process(impl_->soxr, nullptr, 0, nullptr, impl_->tmp.data(), impl_->tmp.size(), &odone);
    if (odone == 0) break;
    out.insert(out.end(), impl_->tmp.begin(), impl_->tmp.begin() + static_cast<std::ptrdiff_t>(odone));
  }
  soxr_clear(impl_->soxr);
}

}  // namespace hark::audio
