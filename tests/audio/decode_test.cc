#include "audio/audio.h"
#include "test_signals.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <unistd.h>

namespace hark::audio {
namespace {

using namespace testing;

int zero_crossings(std::span<const std::int16_t> s) {
  int n = 0;
  for (std::size_t i = 1; i < s.size(); ++i) n += (s[i] >= 0) != (s[i - 1] >= 0);
  return n;
}

TEST(Decode, Pcm16MonoAt16kPassesSamplesThrough) {
  std::vector<std::int16_t> in = {0, 1, -1, 32767, -32768, 1234, -4321};
  auto out = decode_all(to_bytes(in));
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(*out, in);
}

TEST(Decode, ChunksSplitAnywhereGiveTheSameSamples) {
  auto in = sine(300, 0.1);
  auto bytes = to_bytes(in);
  StreamDecoder d({});
  std::vector<std::int16_t> out;
  std::size_t pos = 0, step = 1;
  while (pos < bytes.size()) {
    const std::size_t n = std::min(step, bytes.size() - pos);
    ASSERT_TRUE(d.decode(std::span(bytes).subspan(pos, n), out));
    pos += n;
    step = step * 3 % 17 + 1;  // odd and even sizes
  }
  d.finish(out);
  EXPECT_EQ(out, in);
}

TEST(Decode, StereoIsAveragedToMono) {
  std::vector<std::int16_t> in = {100, 300, -50, -150, 1000, 0};
  auto out = decode_all(to_bytes(in), Format{Encoding::pcm16, 16000, 2});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, (std::vector<std::int16_t>{200, -100, 500}));
}

TEST(Decode, StereoFramesSplitAcrossChunks) {
  std::vector<std::int16_t> in = {100, 300, -50, -150, 1000, 0};
  auto bytes = to_bytes(in);
  StreamDecoder d(Format{Encoding::pcm16, 16000, 2});
  std::vector<std::int16_t> out;
  ASSERT_TRUE(d.decode(std::span(bytes).first(6), out));  // one frame and a half
  ASSERT_TRUE(d.decode(std::span(bytes).subspan(6), out));
  EXPECT_EQ(out, (std::vector<std::int16_t>{200, -100, 500}));
}

TEST(Decode, ResamplesTo16kKeepingPitchAndLength) {
  for (int rate : {8000, 22050, 44100, 48000}) {
    auto in = sine(1000, 1.0, 8000.0, rate);
    auto out = decode_all(to_bytes(in), Format{Encoding::pcm16, rate, 1});
    ASSERT_TRUE(out) << rate;
    EXPECT_NEAR(static_cast<double>(out->size()), 16000.0, 160.0) << rate;
    // A 1 kHz tone crosses zero 2000 times a second whatever the rate.
    EXPECT_NEAR(zero_crossings(*out), 2000, 20) << rate;
  }
}

TEST(Decode, ResamplingIsDeterministic) {
  // No dither: the recognizer must get the same samples for the same audio every time.
  auto noise = white_noise(1.0, 3000.0);
  auto wav = make_wav(noise, 44100, 1);
  auto a = decode_all(wav);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // another clock reading
  auto b = decode_all(wav);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(Decode, WavIsDetectedByItsHeaderWhateverTheSettings) {
  auto in = sine(500, 0.5, 8000.0, 22050);
  auto wav = make_wav(in, 22050, 1);
  auto out = decode_all(wav, Format{Encoding::pcm16, 16000, 1});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_NEAR(static_cast<double>(out->size()), 8000.0, 100.0);
  EXPECT_NEAR(zero_crossings(*out), 500, 10);
}

TEST(Decode, StereoWav48k) {
  std::vector<std::int16_t> stereo;
  auto left = sine(700, 0.5, 8000.0, 48000);
  for (auto x : left) stereo.insert(stereo.end(), {x, x});
  auto out = decode_all(make_wav(stereo, 48000, 2));
  ASSERT_TRUE(out);
  EXPECT_NEAR(static_cast<double>(out->size()), 8000.0, 100.0);
  EXPECT_NEAR(zero_crossings(*out), 700, 10);
}

TEST(Decode, RejectsNonPcm16AndGarbage) {
  auto s = sine(500, 0.1);
  EXPECT_EQ(decode_all(make_wav(s, 16000, 1, 8)).error().code, Errc::bad_request);
  EXPECT_EQ(decode_all(make_wav(s, 16000, 1, 16, 3)).error().code, Errc::bad_request);  // float tag
  EXPECT_FALSE(decode_all(make_wav(s, 16000, 6)));                                      // 6 channels
  EXPECT_FALSE(decode_all(make_wav(s, 1000, 1)));                                       // 1 kHz
  std::vector<std::uint8_t> garbage = {'R', 'I', 'F', 'F', 0xde, 0xad, 0xbe, 0xef, 'j', 'u', 'n', 'k', 1, 2, 3};
  EXPECT_FALSE(decode_all(garbage));
  auto truncated = make_wav(s, 16000, 1);
  truncated.resize(30);
  EXPECT_FALSE(decode_all(truncated));
}

TEST(Decode, WavEncodingRequiresAHeader) {
  auto r = decode_all(to_bytes(sine(200, 0.1)), Format{Encoding::wav, 16000, 1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_request);
}

TEST(Decode, AnErrorLeavesTheStreamUsable) {
  StreamDecoder d(Format{}, StreamDecoder::Options{.max_chunk_bytes = 100});
  std::vector<std::int16_t> out;
  std::vector<std::uint8_t> big(101, 0);
  auto r = d.decode(big, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  std::vector<std::uint8_t> small = {1, 0, 2, 0};
  ASSERT_TRUE(d.decode(small, out));
  EXPECT_EQ(out, (std::vector<std::int16_t>{1, 2}));
}

TEST(Decode, WavStopsAtTheEndOfItsDataChunk) {
  std::vector<std::int16_t> in = {5, 6, 7};
  auto wav = make_wav(in, 16000, 1);
  // A trailing LIST chunk must not be read as samples.
  wav.insert(wav.end(), {'L', 'I', 'S', 'T', 4, 0, 0, 0, 'a', 'b', 'c', 'd'});
  auto out = decode_all(wav);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, in);
}

TEST(Decode, ResetAcceptsANewHeader) {
  StreamDecoder d({});
  std::vector<std::int16_t> out;
  ASSERT_TRUE(d.decode(make_wav({1, 2}, 16000, 1), out));
  d.reset();
  ASSERT_TRUE(d.decode(make_wav({3}, 16000, 1), out));
  EXPECT_EQ(out, (std::vector<std::int16_t>{1, 2, 3}));
}

TEST(Decode, ValidateRejectsOddFormats) {
  EXPECT_TRUE(validate(Format{Encoding::pcm16, 44100, 2}));
  EXPECT_FALSE(validate(Format{Encoding::pcm16, 100, 1}));
  EXPECT_FALSE(validate(Format{Encoding::pcm16, 16000, 3}));
}

TEST(Decode, EspeakSpeechResamplesFrom22k) {
  auto wav = espeak_wav("hello there");
  ASSERT_FALSE(wav.empty()) << "espeak-ng failed";
  auto h = parse_wav_header(wav);
  ASSERT_TRUE(h);
  auto out = decode_all(wav);
  ASSERT_TRUE(out);
  const double in_seconds = static_cast<double>(h->data_size) / 2.0 / h->sample_rate;
  EXPECT_NEAR(static_cast<double>(out->size()) / kTargetRate, in_seconds, 0.01);
}

// Issue 11: a stereo chunk holding no whole frame used to hand soxr an empty buffer whose
// null data() soxr takes as the end of input; the next chunk then crashed inside soxr.
TEST(Decode, StereoChunkWithoutAWholeFrameThenMore) {
  StreamDecoder d(Format{Encoding::pcm16, 44100, 2});
  std::vector<std::int16_t> out;
  std::vector<std::uint8_t> two(2, 0x11);
  ASSERT_TRUE(d.decode(two, out));
  auto tone = to_bytes(sine(440, 3200.0 / 2 / 44100, 8000.0, 44100));
  tone.resize(3200);
  ASSERT_TRUE(d.decode(tone, out));
  ASSERT_TRUE(d.decode(tone, out));
  d.finish(out);
  // 1 + 800 + 800 stereo frames at 44.1 kHz (the 2-byte chunk was half a frame).
  EXPECT_NEAR(static_cast<double>(out.size()), 1600.5 * 16000 / 44100, 4.0);
}

TEST(Decode, WavHeaderAloneThenPcm) {
  std::vector<std::int16_t> stereo;
  for (auto x : sine(440, 0.5, 8000.0, 44100)) stereo.insert(stereo.end(), {x, x});
  auto wav = make_wav(stereo, 44100, 2);
  ASSERT_EQ(parse_wav_header(wav)->data_offset, 44u);
  StreamDecoder d(Format{});
  std::vector<std::int16_t> out;
  ASSERT_TRUE(d.decode(std::span(wav).first(44), out));  // the header alone
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(d.decode(std::span(wav).subspan(44, 3200), out));
  ASSERT_TRUE(d.decode(std::span(wav).subspan(44 + 3200), out));
  d.finish(out);
  auto whole = decode_all(wav);
  ASSERT_TRUE(whole);
  EXPECT_EQ(out, *whole);
}

// Every encoding, rate and channel count, cut into chunks of every small size (including
// empty ones): the samples are those of the whole buffer decoded at once.
TEST(Decode, AnyChunkSplitGivesTheSameSamplesForEveryFormat) {
  for (int channels : {1, 2}) {
    for (int rate : {8000, 16000, 44100}) {
      for (bool wav : {false, true}) {
        std::vector<std::int16_t> interleaved;
        for (auto x : sine(300, 0.05, 8000.0, rate))
          for (int c = 0; c < channels; ++c) interleaved.push_back(static_cast<std::int16_t>(x + c));
        auto bytes = wav ? make_wav(interleaved, rate, channels) : to_bytes(interleaved);
        Format f{Encoding::pcm16, rate, channels};
        auto whole = decode_all(bytes, f);
        ASSERT_TRUE(whole) << whole.error().detail;
        const std::size_t first = wav ? 44 : 0;  // a WAV header comes whole in the first chunk
        for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                                 std::size_t{5}, std::size_t{7}}) {
          StreamDecoder d(f);
          std::vector<std::int16_t> out;
          ASSERT_TRUE(d.decode(std::span(bytes).first(first), out));
          std::size_t pos = first, n = step;
          while (pos < bytes.size()) {
            const std::size_t len = std::min(n, bytes.size() - pos);
            ASSERT_TRUE(d.decode(std::span(bytes).subspan(pos, len), out));
            pos += len;
            n = n % 7 + 1;  // 0 (an empty chunk) once, then 1..7 bytes
          }
          d.finish(out);
          EXPECT_EQ(out, *whole) << "channels " << channels << " rate " << rate << " wav " << wav
                                 << " step " << step;
        }
      }
    }
  }
}

TEST(Resampler, EmptyInputIsNotTheEndOfTheStream) {
  Resampler r(44100, 2);
  std::vector<std::int16_t> out;
  r.process({}, out);
  std::vector<std::int16_t> one_sample = {7};
  r.process(one_sample, out);  // less than a frame: nothing
  auto tone = sine(440, 0.1, 8000.0, 44100);
  std::vector<std::int16_t> stereo;
  for (auto x : tone) stereo.insert(stereo.end(), {x, x});
  r.process(stereo, out);
  r.flush(out);
  EXPECT_NEAR(static_cast<double>(out.size()), 1600.0, 4.0);
}

TEST(UtteranceBuffer, CapsItsLength) {
  UtteranceBuffer b(1000);
  EXPECT_TRUE(b.append(silence(0.05)));  // 800 samples
  EXPECT_FALSE(b.full());
  EXPECT_FALSE(b.append(silence(0.05)));
  EXPECT_TRUE(b.full());
  EXPECT_EQ(b.size(), 1000u);
  b.clear();
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace hark::audio
