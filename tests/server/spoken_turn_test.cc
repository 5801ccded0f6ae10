// SpokenTurn's states against the fake recognizer: what a spoken utterance answers
// (partials, a final transcript, an empty one for silence, busy) and how cancel and drop
// end it, without a socket or pocketsphinx.
#include "server/spoken_turn.h"

#include "asr/fake_recognizer.h"
#include "audio/test_signals.h"

#include <gtest/gtest.h>

namespace hark::server {
namespace {

using namespace audio::testing;
using Kind = SpeechEvent::Kind;
using State = SpokenTurn::State;

std::string as_string(const std::vector<std::int16_t>& samples) {
  auto bytes = to_bytes(samples);
  return std::string(bytes.begin(), bytes.end());
}

// A tone the end-pointer takes for speech, with silence around it.
std::vector<std::int16_t> burst(double lead, double tone, double tail) {
  auto s = silence(lead);
  append(s, sine(200, tone));
  append(s, silence(tail));
  return s;
}

struct Turn {
  asr::testing::FakePool fake;
  SpokenTurn turn{std::make_unique<asr::SpeechStream>(*fake.pool)};

  // Sends `samples` in 100 ms chunks, decoding each as the session does.
  std::vector<SpeechEvent> say(const std::vector<std::int16_t>& samples) {
    std::vector<SpeechEvent> all;
    const std::string bytes = as_string(samples);
    for (std::size_t pos = 0; pos < bytes.size(); pos += 3200) {
      if (!turn.add_audio(std::string_view(bytes).substr(pos, 3200))) continue;
      for (auto& e : turn.decode()) all.push_back(std::move(e));
    }
    return all;
  }
  std::vector<SpeechEvent> end() {
    if (!turn.end(true)) return {};
    return turn.decode();
  }
};

std::vector<SpeechEvent> of_kind(const std::vector<SpeechEvent>& events, Kind kind) {
  std::vector<SpeechEvent> out;
  for (const auto& e : events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

TEST(SpokenTurn, SpeechGivesPartialsThenOneFinalTranscriptOfOneTurn) {
  Turn t;
  EXPECT_EQ(t.turn.state(), State::idle);
  auto events = t.say(burst(0.5, 2.0, 1.5));  // the end-pointer ends it
  auto partials = of_kind(events, Kind::partial);
  auto finals = of_kind(events, Kind::final_text);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].text.substr(0, 6), "heard ");
  EXPECT_GE(partials.size(), 4u);
  for (const auto& p : partials) EXPECT_EQ(p.turn_id, finals[0].turn_id);
  // The silence sent after the end-point is the start of the next utterance.
  EXPECT_NE(t.turn.current_turn().value_or(""), finals[0].turn_id);
  // An audio_end after the answer needs no answer of its own.
  EXPECT_TRUE(t.end().empty());
}

TEST(SpokenTurn, AudioEndAfterSilenceAnswersAnEmptyFinalTranscriptOnce) {
  Turn t;
  EXPECT_TRUE(t.say(silence(1.0)).empty());
  EXPECT_EQ(t.turn.state(), State::listening);
  auto events = t.end();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::nothing_heard);
  EXPECT_EQ(t.turn.state(), State::idle);
  // audio_end with no audio at all: still told that nothing was heard.
  auto again = t.end();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].kind, Kind::nothing_heard);
}

TEST(SpokenTurn, CancelDropsTheUtteranceAndTheNextOneIsNew) {
  Turn t;
  t.say(burst(0.3, 0.6, 0.0));  // speech still going on
  ASSERT_EQ(t.turn.state(), State::listening);
  const std::string first = *t.turn.current_turn();
  t.turn.cancel();
  EXPECT_EQ(t.turn.state(), State::idle);
  EXPECT_FALSE(t.turn.current_turn());
  // What was said before the cancel is not answered.
  auto events = t.end();
  EXPECT_TRUE(of_kind(events, Kind::final_text).empty());
  auto next = t.say(burst(0.3, 1.0, 1.5));
  auto finals = of_kind(next, Kind::final_text);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_NE(finals[0].turn_id, first);
}

TEST(SpokenTurn, ADroppedUtteranceIgnoresItsRestAndItsEnd) {
  Turn t;
  ASSERT_TRUE(t.turn.add_audio(as_string(silence(0.1))));
  t.turn.drop();  // e.g. speech_unavailable was answered
  EXPECT_EQ(t.turn.state(), State::dropped);
  EXPECT_FALSE(t.turn.add_audio(as_string(sine(200, 0.5))));
  bool unanswered = true;
  EXPECT_FALSE(t.turn.end(true, &unanswered));
  EXPECT_FALSE(unanswered);  // it had its answer
  EXPECT_EQ(t.turn.state(), State::idle);
  // Without a recognizer, an audio_end that got no answer since the last one says so.
  EXPECT_FALSE(t.turn.end(false, &unanswered));
  EXPECT_TRUE(unanswered);
}

TEST(SpokenTurn, EveryDecoderBusyAnswersBusyOnceAndNoTranscript) {
  Turn t;
  auto held = t.fake.pool->acquire();  // the only decoder
  ASSERT_TRUE(held);
  auto events = t.say(burst(0.2, 2.0, 0.0));
  auto errors = of_kind(events, Kind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, Errc::busy);
  EXPECT_EQ(t.turn.state(), State::dropped);
  EXPECT_TRUE(of_kind(events, Kind::partial).empty());
  held->release();
  auto end = t.end();
  EXPECT_TRUE(of_kind(end, Kind::final_text).empty());
  EXPECT_EQ(t.turn.state(), State::idle);
}

}  // namespace
}  // namespace hark::server
