// Audio decoding and resampling: the format (encoding, rate, channels), then chunks of
// any size (a WAV header among them or not), then the end of the utterance.
// Input: byte 0 picks the format, byte 1 seeds the chunk sizes, the rest is the audio.
#include "audio/audio.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hark::audio;
  if (size < 2) return 0;
  static constexpr int kRates[] = {8000, 11025, 16000, 22050, 44100, 48000, 96000, 7999};
  Format f;
  f.encoding = (data[0] & 0x80) ? Encoding::wav : Encoding::pcm16;
  f.sample_rate = kRates[data[0] & 7];
  f.channels = 1 + ((data[0] >> 3) & 1);
  unsigned seed = data[1];
  data += 2;
  size -= 2;
  if (!validate(f)) return 0;
  StreamDecoder d(f, StreamDecoder::Options{.max_chunk_bytes = 4096});
  std::vector<std::int16_t> out;
  std::size_t pos = 0;
  while (pos < size) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t n = std::min<std::size_t>((seed >> 16) % 5000, size - pos);
    std::vector<std::uint8_t> chunk(data + pos, data + pos + n);  // exact bounds for ASan
    (void)d.decode(chunk, out);
    pos += n;
    if ((seed >> 8) % 17 == 0) {  // an utterance ends mid-stream
      d.finish(out);
      d.reset();
    }
  }
  d.finish(out);
  // Whatever came in, at most a bounded number of samples came out.
  if (out.size() > 2 * size + 1024) std::abort();
  return 0;
}
