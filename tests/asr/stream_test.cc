// SpeechStream and RecognizerPool against a fake recognizer: the stream's logic (when a
// decoder is lent, partials, end-pointing, cancel, errors) without pocketsphinx.
#include "asr/fake_recognizer.h"
#include "asr/speech_stream.h"
#include "audio/test_signals.h"

#include <gtest/gtest.h>

namespace hark::asr {
namespace {

using namespace audio::testing;
using testing::FakeRecognizer;
using Fixture = testing::FakePool;

struct Collected {
  std::vector<std::string> partials;
  std::optional<StreamUpdate> ended;
};

Collected push_all(SpeechStream& s, const std::vector<std::int16_t>& samples, std::size_t chunk = 1600) {
  Collected c;
  auto bytes = to_bytes(samples);
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk * 2) {
    auto u = s.push(std::span(bytes).subspan(pos, std::min(chunk * 2, bytes.size() - pos)));
    EXPECT_TRUE(u) << u.error().detail;
    if (!u) break;
    if (u->partial) c.partials.push_back(*u->partial);
    if (u->ended) {
      c.ended = *u;
      break;
    }
  }
  return c;
}

std::vector<std::int16_t> burst(double lead, double tone, double tail) {
  auto s = silence(lead);
  append(s, sine(200, tone));
  append(s, silence(tail));
  return s;
}

TEST(RecognizerPool, LendsEachDecoderOnceAndAnswersBusy) {
  Fixture f;
  auto a = f.pool->acquire();
  ASSERT_TRUE(a);
  EXPECT_EQ(f.pool->available(), 0);
  auto b = f.pool->acquire();
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Errc::busy);
  a->release();
  EXPECT_EQ(f.pool->available(), 1);
  EXPECT_TRUE(f.pool->acquire());
}

TEST(SpeechStream, SilenceAndNoiseNeverTakeADecoder) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto audio = silence(1.0);
  append(audio, white_noise(1.0, 2000.0));
  auto c = push_all(s, audio);
  EXPECT_FALSE(c.ended);
  EXPECT_EQ(f.fake->started, 0);
  auto e = s.end();
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->ended);
  EXPECT_FALSE(e->heard_speech);
  EXPECT_EQ(f.pool->available(), 1);
}

// A steady, voiced-like background with a clatter, at speech level, for 20 s: no utterance
// reaches the recognizer's final hearing (the fake would "hear" anything it is given).
TEST(SpeechStream, SteadyNoiseAloneIsNoUtterance) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto bytes = to_bytes(rumble(20.0, 1500.0, true));
  for (std::size_t pos = 0; pos < bytes.size(); pos += 3200) {
    auto u = s.push(std::span(bytes).subspan(pos, std::min<std::size_t>(3200, bytes.size() - pos)));
    ASSERT_TRUE(u) << u.error().detail;
    EXPECT_FALSE(u->ended && u->heard_speech) << "at " << pos / 2 << ": " << u->final_text;
  }
  auto e = s.end();
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->heard_speech) << e->final_text;
  EXPECT_EQ(f.pool->available(), 1);
}

TEST(SpeechStream, SpeechIsEndPointedWithPartialsAndAFinal) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto c = push_all(s, burst(0.5, 2.0, 1.5));
  ASSERT_TRUE(c.ended);
  EXPECT_TRUE(c.ended->heard_speech);
  // 2 s of speech with a partial every 400 ms of audio.
  EXPECT_GE(c.partials.size(), 4u);
  // The decoder got the speech, some pre-roll, and the 700 ms of trailing silence.
  const std::size_t n = std::stoul(c.ended->final_text.substr(6));
  EXPECT_GE(n, static_cast<std::size_t>(2.0 * 16000));
  EXPECT_LE(n, static_cast<std::size_t>(3.3 * 16000));
  EXPECT_EQ(f.pool->available(), 1);
  // A new utterance starts afterwards.
  auto again = push_all(s, burst(0.2, 0.5, 1.0));
  ASSERT_TRUE(again.ended);
  EXPECT_EQ(f.fake->started, 2);
}

TEST(SpeechStream, AudioEndFinishesAtOnce) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto c = push_all(s, burst(0.3, 0.4, 0.1));
  EXPECT_FALSE(c.ended);
  auto e = s.end();
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->ended);
  EXPECT_TRUE(e->heard_speech);
  EXPECT_EQ(e->final_text.rfind("heard ", 0), 0u);
  // Nothing since: a second audio_end has nothing to end.
  auto again = s.end();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->ended);
}

TEST(SpeechStream, CancelDropsTheUtterance) {
  Fixture f;
  SpeechStream s(*f.pool);
  push_all(s, burst(0.2, 1.0, 0.0));
  EXPECT_EQ(f.pool->available(), 0);
  s.cancel();
  EXPECT_EQ(f.pool->available(), 1);
  EXPECT_GE(f.fake->cancelled, 1);
  auto e = s.end();
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->ended);
}

TEST(SpeechStream, BusyPoolIsAnErrorAndTheStreamRecovers) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto held = f.pool->acquire();
  ASSERT_TRUE(held);
  auto bytes = to_bytes(burst(0.0, 0.6, 0.0));
  auto r = s.push(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::busy);
  held->release();
  // The rest of the dropped utterance is only end-pointed: its end is no utterance.
  auto rest = push_all(s, silence(1.0));
  ASSERT_TRUE(rest.ended);
  EXPECT_FALSE(rest.ended->heard_speech);
  EXPECT_EQ(f.fake->started, 0);
  // The next one is heard.
  auto c = push_all(s, burst(0.2, 0.6, 1.0));
  ASSERT_TRUE(c.ended);
  EXPECT_TRUE(c.ended->heard_speech);
}

TEST(SpeechStream, WaitsForADecoderWhileBufferingWithoutLosingTheStart) {
  auto r = std::make_unique<FakeRecognizer>();
  FakeRecognizer* fake = r.get();
  std::vector<std::unique_ptr<Recognizer>> all;
  all.push_back(std::move(r));
  RecognizerPool pool(std::move(all), PoolOptions{.size = 1, .max_wait = std::chrono::milliseconds(1000), .decoder = {}});
  SpeechStream s(pool);
  auto held = pool.acquire();
  ASSERT_TRUE(held);
  // 0.3 s of silence then 0.5 s of speech while the only decoder is lent: no error.
  auto first = to_bytes(burst(0.3, 0.5, 0.0));
  auto u = s.push(first);
  ASSERT_TRUE(u) << u.error().detail;
  EXPECT_FALSE(u->ended);
  EXPECT_EQ(fake->started, 0);
  held->release();
  auto c = push_all(s, burst(0.0, 0.5, 1.0));
  ASSERT_TRUE(c.ended);
  ASSERT_TRUE(c.ended->heard_speech);
  // The decoder got the speech from before it was free (and the pre-roll).
  const std::size_t n = std::stoul(c.ended->final_text.substr(6));
  EXPECT_GE(n, static_cast<std::size_t>(1.0 * 16000));
}

TEST(SpeechStream, UndecodableAudioIsAnErrorAndTheStreamStaysUsable) {
  Fixture f;
  SpeechStream s(*f.pool);
  std::vector<std::uint8_t> garbage = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E', 9, 9};
  auto r = s.push(garbage);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_request);
  auto c = push_all(s, burst(0.2, 0.6, 1.0));
  ASSERT_TRUE(c.ended);
  EXPECT_TRUE(c.ended->heard_speech);
}

TEST(SpeechStream, WavAt44kIsResampled) {
  Fixture f;
  SpeechStream s(*f.pool);
  auto tone = silence(0.3, 44100);
  append(tone, sine(200, 1.0, 8000.0, 44100));
  append(tone, silence(0.2, 44100));
  auto r = s.push(make_wav(tone, 44100, 1));
  ASSERT_TRUE(r) << r.error().detail;
  auto e = s.end();
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->heard_speech);
  const std::size_t n = std::stoul(e->final_text.substr(6));
  EXPECT_GE(n, 16000u);
  EXPECT_LE(n, static_cast<std::size_t>(1.5 * 16000));
}

TEST(SpeechStream, TrailingSilenceComesFromTheOptions) {
  Fixture f;
  StreamOptions o;
  o.endpointing.trailing_silence_ms = 300;
  SpeechStream s(*f.pool, o);
  auto c = push_all(s, burst(0.3, 0.5, 0.5));  // 500 ms of silence: enough for 300 ms
  ASSERT_TRUE(c.ended);
  EXPECT_TRUE(c.ended->heard_speech);
}

TEST(SpeechStream, UserWordsReachTheDecoder) {
  Fixture f;
  SpeechStream s(*f.pool);
  s.set_user_words({"Zoltan"});
  push_all(s, burst(0.2, 0.5, 1.0));
  EXPECT_EQ(f.fake->words, (std::vector<std::string>{"Zoltan"}));
}

// The user's words are guessed before a decoder is lent (the guesser sees the whole pool
// free), once for the session, and the decoder gets exactly those guesses.
TEST(SpeechStream, UserWordsAreGuessedBeforeTheDecoderIsLent) {
  Fixture f;
  std::vector<int> free_while_guessing;
  int batches = 0;
  StreamOptions o;
  o.pronouncer = std::make_shared<Pronouncer>(
      DictionaryWords{}, PronouncerOptions{}, [&](const std::vector<std::string>& words) {
        ++batches;
        free_while_guessing.push_back(f.pool->available());
        std::vector<std::string> out;
        for (auto& w : words) out.push_back(w == "zoltan" ? "Z OW L T AH N" : "K AA V AA CH");
        return out;
      });
  SpeechStream s(*f.pool, o);
  s.set_user_words({"Zoltan", "Kovacs"});
  auto c = push_all(s, burst(0.2, 0.5, 1.0));
  ASSERT_TRUE(c.ended);
  const Pronunciations expected = {{"zoltan", "Z OW L T AH N"}, {"kovacs", "K AA V AA CH"}};
  EXPECT_EQ(f.fake->guessed, expected);
  EXPECT_EQ(f.fake->words, (std::vector<std::string>{"Zoltan", "Kovacs"}));
  EXPECT_EQ(free_while_guessing, std::vector<int>{1});  // no decoder was lent yet
  const int added = f.fake->added;
  EXPECT_GE(added, 1);
  push_all(s, burst(0.2, 0.5, 1.0));  // the next utterance: no new guess
  EXPECT_EQ(batches, 1);
  EXPECT_GT(f.fake->added, added);
  EXPECT_EQ(f.fake->guessed, expected);
}

}  // namespace
}  // namespace hark::asr
