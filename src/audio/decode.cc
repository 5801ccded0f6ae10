#include "audio/audio.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace hark::audio {
namespace {

std::uint32_t u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
bool starts_with_riff(std::span<const std::uint8_t> b) {
  return b.size() >= 4 && std::memcmp(b.data(), "RIFF", 4) == 0;
}
Error bad(std::string detail) { return make_error(Errc::bad_request, std::move(detail)); }

}  // namespace

Result<void> validate(const Format& f) {
  if (f.sample_rate < 8000 || f.sample_rate > 96000)
    return make_error(Errc::invalid_field, "sample_rate must be between 8000 and 96000");
  if (f.channels != 1 && f.channels != 2)
    return make_error(Errc::invalid_field, "audio must be mono or stereo");
  return {};
}

Result<WavHeader> parse_wav_header(std::span<const std::uint8_t> b) {
  if (b.size() < 12 || !starts_with_riff(b) || std::memcmp(b.data() + 8, "WAVE", 4) != 0)
    return bad("not a RIFF/WAVE file");
  WavHeader h;
  bool have_fmt = false;
  std::size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const std::uint8_t* c = b.data() + pos;
    const std::uint32_t size = u32(c + 4);
    if (std::memcmp(c, "fmt ", 4) == 0) {
      if (size < 16 || pos + 8 + 16 > b.size()) return bad("truncated WAV fmt chunk");
      const std::uint8_t* f = c + 8;
      std::uint16_t tag = u16(f);
      if (tag == 0xFFFE && size >= 40 && pos + 8 + 40 <= b.size())
        tag = u16(f + 24);  // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
      h.channels = u16(f + 2);
      h.sample_rate = static_cast<int>(u32(f + 4));
      const std::uint16_t bits = u16(f + 14);
      if (tag != 1 || bits != 16) return bad("WAV audio must be 16-bit PCM");
      if (auto v = validate({Encoding::wav, h.sample_rate, h.channels}); !v)
        return bad("WAV: " + v.error().detail);
      have_fmt = true;
    } else if (std::memcmp(c, "data", 4) == 0) {
      if (!have_fmt) return bad("WAV data chunk before its fmt chunk");
      h.data_offset = pos + 8;
      h.data_size = size;
      return h;
    }
    pos += 8 + static_cast<std::size_t>(size) + (size & 1);
  }
  return bad(have_fmt ? "WAV header without a data chunk" : "WAV header without a fmt chunk");
}

struct StreamDecoder::State {
  Format format;
  Options options;
  bool started = false;  // the first chunk of this utterance was seen
  int rate = kTargetRate;
  int channels = 1;
  std::optional<std::size_t> data_left;  // bytes of WAV data still expected, when known
  // The bytes of an incomplete frame (fewer than 2 * channels) from the previous chunks:
  // only whole frames (every sample of every channel) ever reach the resampler.
  std::uint8_t partial[4] = {};
  std::size_t partial_size = 0;
  std::unique_ptr<Resampler> resampler;
  std::vector<std::int16_t> samples;      // reused
};

StreamDecoder::StreamDecoder(Format format) : StreamDecoder(format, Options{}) {}
StreamDecoder::StreamDecoder(Format format, Options options) : state_(std::make_unique<State>()) {
  state_->format = format;
  state_->options = options;
}
StreamDecoder::~StreamDecoder() = default;
StreamDecoder::StreamDecoder(StreamDecoder&&) noexcept = default;
StreamDecoder& StreamDecoder::operator=(StreamDecoder&&) noexcept = default;

void StreamDecoder::reset() {
  State& s = *state_;
  s.started = false;
  s.data_left.reset();
  s.partial_size = 0;
  s.resampler.reset();
}

void StreamDecoder::set_format(Format format) {
  state_->format = format;
  reset();
}

Result<void> StreamDecoder::decode(std::span<const std::uint8_t> chunk,
                                   std::vector<std::int16_t>& out) {
  State& s = *state_;
  if (chunk.size() > s.options.max_chunk_bytes)
    return make_error(Errc::too_large, "audio chunk too large");
  if (!s.started) {
    int rate = s.format.sample_rate, channels = s.format.channels;
    std::optional<std::size_t> data_left;
    std::size_t skip = 0;
    if (starts_with_riff(chunk)) {
      auto h = parse_wav_header(chunk);
      if (!h) return h.error();
      rate = h->sample_rate;
      channels = h->channels;
      skip = h->data_offset;
      // Streamed WAVs announce 0 or 0xFFFFFFFF; then everything that follows is data.
      if (h->data_size != 0 && h->data_size != 0xFFFFFFFFu) data_left = h->data_size;
    } else if (s.format.encoding == Encoding::wav) {
      return bad("audio is not WAV (no RIFF header)");
    } else if (auto v = validate(s.format); !v) {
      return v.error();
    }
    s.started = true;
    s.rate = rate;
    s.channels = channels;
    s.data_left = data_left;
    s.resampler = std::make_unique<Resampler>(rate, channels);
    chunk = chunk.subspan(skip);
  }
  if (s.data_left) {
    const std::size_t n = std::min(*s.data_left, chunk.size());
    chunk = chunk.first(n);
    *s.data_left -= n;
  }
  // Assemble whole frames: the partial frame carried from earlier chunks is completed
  // first, then every whole frame of the chunk; the rest waits for the next chunk.
  const std::size_t frame_bytes = 2 * static_cast<std::size_t>(s.channels);
  s.samples.clear();
  s.samples.reserve((s.partial_size + chunk.size()) / 2);
  auto sample_at = [](const std::uint8_t* p) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | p[1] << 8));
  };
  if (s.partial_size > 0) {
    const std::size_t take = std::min(frame_bytes - s.partial_size, chunk.size());
    std::memcpy(s.partial + s.partial_size, chunk.data(), take);
    s.partial_size += take;
    chunk = chunk.subspan(take);
    if (s.partial_size < frame_bytes) return {};  // still not a whole frame
    for (std::size_t i = 0; i < frame_bytes; i += 2) s.samples.push_back(sample_at(s.partial + i));
    s.partial_size = 0;
  }
  const std::size_t whole = chunk.size() / frame_bytes * frame_bytes;
  for (std::size_t i = 0; i < whole; i += 2) s.samples.push_back(sample_at(chunk.data() + i));
  s.partial_size = chunk.size() - whole;
  if (s.partial_size > 0) std::memcpy(s.partial, chunk.data() + whole, s.partial_size);
  if (!s.samples.empty()) s.resampler->process(s.samples, out);
  return {};
}

void StreamDecoder::finish(std::vector<std::int16_t>& out) {
  if (state_->resampler) state_->resampler->flush(out);
}

Result<std::vector<std::int16_t>> decode_all(std::span<const std::uint8_t> bytes, Format format) {
  StreamDecoder::Options options;
  options.max_chunk_bytes = bytes.size() + 1;
  StreamDecoder d(format, options);
  std::vector<std::int16_t> out;
  out.reserve(bytes.size() / 2);
  if (auto r = d.decode(bytes, out); !r) return r.error();
  d.finish(out);
  return out;
}

}  // namespace hark::audio
