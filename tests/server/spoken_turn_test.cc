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

// A client that streams without audio_end: the busy utterance ends at its end-point and
// the next one is heard, instead of every later chunk being ignored.
TEST(SpokenTurn, ABusyUtteranceEndsAtItsEndPointAndTheNextOneIsHeard) {
  Turn t;
  auto held = t.fake.pool->acquire();
  ASSERT_TRUE(held);
  auto busy = t.say(burst(0.2, 2.0, 1.5));
  ASSERT_EQ(of_kind(busy, Kind::error).size(), 1u);
  EXPECT_TRUE(of_kind(busy, Kind::final_text).empty());
  held->release();
  auto next = t.say(burst(0.3, 1.0, 1.5));
  EXPECT_TRUE(of_kind(next, Kind::error).empty());
  EXPECT_EQ(of_kind(next, Kind::final_text).size(), 1u);
}

// audio_end of a busy utterance ends it: the next utterance is not taken for its rest.
TEST(SpokenTurn, TheUtteranceAfterABusyOnesAudioEndIsHeard) {
  Turn t;
  auto held = t.fake.pool->acquire();
  ASSERT_TRUE(held);
  t.say(burst(0.2, 2.0, 0.0));
  ASSERT_EQ(t.turn.state(), State::dropped);
  held->release();
  EXPECT_TRUE(t.end().empty());
  auto next = t.say(burst(0.3, 1.0, 1.5));
  EXPECT_EQ(of_kind(next, Kind::final_text).size(), 1u);
}

// Audio that waited too long for the speech threads: the utterance answers busy, gives its
// decoder back at once, and its rest is only end-pointed; the one after it is heard.
TEST(SpokenTurn, AudioReachedTooLateDropsTheUtteranceWithBusy) {
  Turn t;
  t.say(burst(0.3, 0.6, 0.0));  // speech going on: a decoder is lent
  ASSERT_EQ(t.turn.state(), State::listening);
  EXPECT_EQ(t.fake.pool->available(), 0);
  ASSERT_TRUE(t.turn.add_audio(as_string(sine(200, 0.2))));
  auto late = t.turn.decode(/*behind=*/true);
  auto errors = of_kind(late, Kind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, Errc::busy);
  EXPECT_EQ(t.turn.state(), State::dropped);
  EXPECT_EQ(t.fake.pool->available(), 1);
  auto rest = t.say(burst(0.0, 0.5, 1.5));
  EXPECT_TRUE(of_kind(rest, Kind::final_text).empty());
  EXPECT_TRUE(of_kind(rest, Kind::error).empty());
  EXPECT_NE(t.turn.state(), State::dropped);  // it ended; the silence after it is a new turn
  auto next = t.say(burst(0.3, 1.0, 1.5));
  EXPECT_EQ(of_kind(next, Kind::final_text).size(), 1u);
}

// Late audio with no utterance going on (silence) drops nothing and answers nothing.
TEST(SpokenTurn, LateSilenceIsNotAnError) {
  Turn t;
  ASSERT_TRUE(t.turn.add_audio(as_string(silence(0.5))));
  EXPECT_TRUE(t.turn.decode(/*behind=*/true).empty());
  EXPECT_EQ(t.turn.state(), State::listening);
}

// Audio the reader dropped (too far behind this client) before any speech was heard:
// the lost part may have held the start of the utterance, so it answers busy instead of a
// transcript of what is left; that utterance's rest is only end-pointed, the next is heard.
TEST(SpokenTurn, AudioLostBeforeSpeechWasHeardAnswersBusy) {
  Turn t;
  ASSERT_TRUE(t.turn.add_audio(as_string(silence(0.2))));
  auto lost = t.turn.decode(/*behind=*/false, /*audio_lost=*/true);
  auto errors = of_kind(lost, Kind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, Errc::busy);
  EXPECT_EQ(t.turn.state(), State::dropped);
  auto rest = t.say(burst(0.0, 0.5, 1.5));
  EXPECT_TRUE(of_kind(rest, Kind::final_text).empty());
  EXPECT_TRUE(of_kind(rest, Kind::error).empty());
  auto next = t.say(burst(0.3, 1.0, 1.5));
  EXPECT_EQ(of_kind(next, Kind::final_text).size(), 1u);
}

// Audio the server is too far behind to even look at (WsSession::handle) is shed without
// decoding: the utterance answers busy once (the audio is lost, speech or not), gives its
// decoder back, and its audio_end ends it without a second answer; the next one is heard.
TEST(SpokenTurn, ShedAudioAnswersBusyOnceAndTheNextUtteranceIsHeard) {
  Turn t;
  t.say(burst(0.3, 0.6, 0.0));  // speech going on: a decoder is lent
  ASSERT_EQ(t.fake.pool->available(), 0);
  ASSERT_TRUE(t.turn.add_audio(as_string(sine(200, 0.2))));
  auto shed = t.turn.shed();
  ASSERT_EQ(shed.size(), 1u);
  EXPECT_EQ(shed[0].kind, Kind::error);
  EXPECT_EQ(shed[0].code, Errc::busy);
  EXPECT_EQ(t.fake.pool->available(), 1);
  EXPECT_FALSE(t.turn.has_pending());
  ASSERT_TRUE(t.turn.add_audio(as_string(sine(200, 0.2))));
  EXPECT_TRUE(t.turn.shed().empty());
  EXPECT_FALSE(t.turn.end(true));  // it had its answer: nothing left to decode
  EXPECT_EQ(t.turn.state(), State::idle);
  auto next = t.say(burst(0.3, 1.0, 1.5));
  EXPECT_EQ(of_kind(next, Kind::final_text).size(), 1u);
}

// A shed audio_end answers once too: busy when audio came since the last answer, an empty
// final transcript when none did.
TEST(SpokenTurn, AShedAudioEndAnswersOnce) {
  Turn t;
  ASSERT_TRUE(t.turn.add_audio(as_string(silence(0.2))));
  ASSERT_TRUE(t.turn.end(true));
  auto shed = t.turn.shed();
  ASSERT_EQ(shed.size(), 1u);
  EXPECT_EQ(shed[0].code, Errc::busy);
  EXPECT_EQ(t.turn.state(), State::idle);
  ASSERT_TRUE(t.turn.end(true));  // no audio since
  auto alone = t.turn.shed();
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].kind, Kind::nothing_heard);
}

// Audio read while a decoding ran comes joined: each decode stops at the first thing it
// has to say (so that a partial goes out at once), and two utterances in it give two final
// transcripts of two turns.
TEST(SpokenTurn, JoinedAudioIsDecodedUntilItHasSomethingToSay) {
  Turn t;
  auto both = burst(0.3, 1.2, 1.5);
  append(both, burst(0.3, 1.2, 1.5));
  ASSERT_TRUE(t.turn.add_audio(as_string(both)));
  std::vector<std::vector<SpeechEvent>> decodes;
  for (int i = 0; i < 100; ++i) {
    decodes.push_back(t.turn.decode());
    if (!t.turn.has_pending()) break;
  }
  ASSERT_FALSE(t.turn.has_pending());
  std::vector<SpeechEvent> finals;
  std::size_t partials = 0;
  for (const auto& d : decodes) {
    EXPECT_LE(d.size(), 1u);  // one thing said per decode
    for (const auto& e : d) {
      if (e.kind == Kind::partial) ++partials;
      if (e.kind == Kind::final_text) finals.push_back(e);
    }
  }
  EXPECT_GE(partials, 2u);
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_NE(finals[0].turn_id, finals[1].turn_id);
}

}  // namespace
}  // namespace hark::server
