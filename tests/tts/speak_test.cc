// Real espeak-ng: the answer comes back as a WAV the audio module can read.
#include "audio/audio.h"
#include "tts/speak.h"

#include <gtest/gtest.h>

namespace hark::tts {
namespace {

TEST(Speak, AnswerIsAPlayableWav) {
  auto wav = speak_wav("Calling Mom.");
  ASSERT_TRUE(wav) << wav.error().detail;
  auto header = audio::parse_wav_header(std::span(reinterpret_cast<const std::uint8_t*>(wav->data()), wav->size()));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->channels, 1);
  // About a second of speech, not an empty file.
  EXPECT_GT(wav->size() - header->data_offset, static_cast<std::size_t>(header->sample_rate) * 2 / 2);
}

TEST(Speak, TextThatLooksLikeAnOptionIsSpokenNotObeyed) {
  // "--help" as text: espeak-ng must say it, not print its usage (which is no WAV).
  auto wav = speak_wav("--help");
  ASSERT_TRUE(wav) << wav.error().detail;
  EXPECT_EQ(wav->compare(0, 4, "RIFF"), 0);
}

TEST(Speak, NothingToSayIsAnError) {
  auto r = speak_wav(" ... ");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_request);
}

TEST(Speak, LongTextIsCut) {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "word ";
  Options o;
  o.max_chars = 50;
  auto short_wav = speak_wav(text, o);
  ASSERT_TRUE(short_wav);
  o.max_chars = 200;
  auto longer_wav = speak_wav(text, o);
  ASSERT_TRUE(longer_wav);
  EXPECT_LT(short_wav->size() * 2, longer_wav->size());
}

}  // namespace
}  // namespace hark::tts
