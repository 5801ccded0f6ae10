// RecognitionPolicy over a fake engine: which pass's words stand, and which passes run,
// without pocketsphinx. The check accepts a fixed set of words, the way the parser would.
#include "asr/recognition_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace hark::asr {
namespace {

// Scripted hearings of one utterance; counts what the policy asked for.
class FakeEngine final : public TwoPassEngine {
 public:
  Result<std::string> decode_domain(std::span<const std::int16_t>) override {
    ++domain_decodes;
    if (fail_domain) return make_error(Errc::internal, "domain pass failed");
    return domain;
  }
  void visit_domain_nbest(const std::function<bool(std::string_view)>& visit) override {
    for (const auto& h : nbest) {
      ++nbest_read;
      if (!visit(h)) return;
    }
  }
  Result<std::string> decode_mixed(std::span<const std::int16_t>) override {
    ++mixed_decodes;
    if (fail_mixed) return make_error(Errc::internal, "mixed pass failed");
    return mixed;
  }

  std::string domain, mixed;
  std::vector<std::string> nbest;
  bool fail_domain = false, fail_mixed = false;
  int domain_decodes = 0, mixed_decodes = 0, nbest_read = 0;
};

// Domain words stand when they are in `domain`; commands are the `commands`.
class SetCheck final : public HearingCheck {
 public:
  bool accepts_domain(std::string_view w) const override {
    asked.emplace_back(w);
    return domain.count(std::string(w)) > 0;
  }
  bool is_command(std::string_view w) const override { return commands.count(std::string(w)) > 0; }
  std::set<std::string> domain, commands;
  mutable std::vector<std::string> asked;
};

const std::vector<std::int16_t> kAudio(1600, 0);

struct PolicyTest : ::testing::Test {
  Heard run(PolicyOptions options = {}) {
    auto r = RecognitionPolicy(check, options).recognize(engine, kAudio);
    EXPECT_TRUE(r) << r.error().detail;
    return r ? *r : Heard{};
  }
  FakeEngine engine;
  SetCheck check;
};

TEST_F(PolicyTest, MixedCommandStandsWithoutTheSkillsPass) {
  engine.mixed = "call mom";
  engine.domain = "volume louder";
  check.commands = {"call mom"};
  check.domain = {"volume louder"};
  const Heard h = run();
  EXPECT_EQ(h.words, "call mom");
  EXPECT_EQ(h.from, Hearing::mixed_command);
  EXPECT_EQ(engine.domain_decodes, 0);
  EXPECT_EQ(engine.mixed_decodes, 1);
}

TEST_F(PolicyTest, DomainHearingStandsWhenAccepted) {
  engine.mixed = "a large lunch";
  engine.domain = "a large green tea";
  check.domain = {"a large green tea"};
  const Heard h = run();
  EXPECT_EQ(h.words, "a large green tea");
  EXPECT_EQ(h.from, Hearing::domain_best);
  EXPECT_EQ(engine.nbest_read, 0);
  EXPECT_EQ(engine.mixed_decodes, 1);  // only the first, refused, mixed pass
}

TEST_F(PolicyTest, NextBestTakenWhenTheBestIsRefused) {
  engine.mixed = "noise";
  engine.domain = "a large green tea the";
  engine.nbest = {"a large green tea the", "a large green tea the", "a lard green tea", "a large green tea", "a small green tea"};
  check.domain = {"a large green tea", "a small green tea"};
  const Heard h = run();
  EXPECT_EQ(h.words, "a large green tea");  // the first accepted, not a later one
  EXPECT_EQ(h.from, Hearing::domain_nbest);
  EXPECT_EQ(engine.nbest_read, 4);  // stops at the accepted one
  // The repeats of the best are not asked about again.
  EXPECT_EQ(check.asked, (std::vector<std::string>{"a large green tea the", "a lard green tea", "a large green tea"}));
}

TEST_F(PolicyTest, NextBestBoundedByDistinctHypotheses) {
  engine.domain = "best";
  engine.mixed = "mixed words";
  engine.nbest = {"best", "one", "one", "two", "three"};
  check.domain = {"three"};
  const Heard h = run(PolicyOptions{.mixed_first = true, .nbest = 2});
  EXPECT_EQ(h.words, "mixed words");  // "three" is the third distinct runner-up
  EXPECT_EQ(h.from, Hearing::mixed);
  EXPECT_EQ(check.asked, (std::vector<std::string>{"best", "one", "two"}));
}

TEST_F(PolicyTest, NoNextBestWhenNbestIsZero) {
  engine.domain = "best";
  engine.mixed = "mixed words";
  engine.nbest = {"accepted"};
  check.domain = {"accepted"};
  EXPECT_EQ(run(PolicyOptions{.mixed_first = true, .nbest = 0}).words, "mixed words");
  EXPECT_EQ(engine.nbest_read, 0);
}

TEST_F(PolicyTest, FreeTextGoesToTheMixedPass) {
  // The skills' model forces a message into some command the check refuses (a text slot).
  engine.mixed = "send a message to sarah saying see you soon";
  engine.domain = "send a message to sarah saying set a timer";
  engine.nbest = {"send a message to sarah saying set a timer", "send a message saying stop"};
  const Heard h = run();
  EXPECT_EQ(h.words, "send a message to sarah saying see you soon");
  EXPECT_EQ(h.from, Hearing::mixed);
  EXPECT_EQ(engine.mixed_decodes, 1);  // the first pass's words, not decoded twice
}

TEST_F(PolicyTest, NothingAcceptedLeavesTheMixedWords) {
  engine.mixed = "the the of a in";
  engine.domain = "turn on";
  engine.nbest = {"turn off", "turn up"};
  const Heard h = run(PolicyOptions{.mixed_first = false, .nbest = 10});
  EXPECT_EQ(h.words, "the the of a in");
  EXPECT_EQ(h.from, Hearing::mixed);
  EXPECT_EQ(engine.domain_decodes, 1);
  EXPECT_EQ(engine.mixed_decodes, 1);  // decoded after the skills' pass
}

TEST_F(PolicyTest, DomainFirstSkipsTheCommandCheck) {
  engine.mixed = "call mom";
  engine.domain = "volume louder";
  check.commands = {"call mom"};
  check.domain = {"volume louder"};
  const Heard h = run(PolicyOptions{.mixed_first = false, .nbest = 10});
  EXPECT_EQ(h.words, "volume louder");
  EXPECT_EQ(engine.mixed_decodes, 0);
}

TEST_F(PolicyTest, SilenceOfTheSkillsModelIsNotAccepted) {
  engine.mixed = "";
  engine.domain = "";
  check.domain = {""};
  const Heard h = run();
  EXPECT_EQ(h.words, "");
  EXPECT_EQ(h.from, Hearing::mixed);
  EXPECT_TRUE(check.asked.empty());
}

TEST_F(PolicyTest, EngineErrorsEndTheSearch) {
  engine.fail_domain = true;
  engine.mixed = "words";
  EXPECT_FALSE(RecognitionPolicy(check, {}).recognize(engine, kAudio));
  engine.fail_domain = false;
  engine.fail_mixed = true;
  EXPECT_FALSE(RecognitionPolicy(check, {}).recognize(engine, kAudio));
  EXPECT_FALSE(RecognitionPolicy(check, {.mixed_first = false, .nbest = 0}).recognize(engine, kAudio));
}

TEST(Agreement, SharesOfWordsHeardByBothInOrder) {
  EXPECT_DOUBLE_EQ(agreement("a large latte", "a large latte"), 1.0);
  EXPECT_DOUBLE_EQ(agreement("a large latte", "uh a large lot a"), 2.0 / 3);  // "a large"
  EXPECT_DOUBLE_EQ(agreement("latte large a", "a large latte"), 1.0 / 3);    // order counts
  EXPECT_DOUBLE_EQ(agreement("zero yards to kilometer", "throw large double shot mocha"), 0.0);
  EXPECT_DOUBLE_EQ(agreement("", "anything"), 1.0);
  EXPECT_DOUBLE_EQ(agreement("a  large ", " a large"), 1.0);  // spaces are not words
}

// A hearing of the skills' pass forced out of noise shares little with the mixed hearing:
// with min_agreement it does not stand, nor does a runner-up as far off; one close enough does.
TEST_F(PolicyTest, ADomainHearingFarFromTheMixedOneDoesNotStand) {
  engine.mixed = "throw large double shot mocha and";
  engine.domain = "zero yards to kilometer";
  engine.nbest = {"zero yards to kilometer", "zero yards to meters", "a large double shot mocha"};
  check.domain = {"zero yards to kilometer", "zero yards to meters", "a large double shot mocha"};
  EXPECT_EQ(run().from, Hearing::domain_best);  // no check: the forced hearing stands
  const Heard h = run(PolicyOptions{.min_agreement = 0.5});
  EXPECT_EQ(h.words, "a large double shot mocha");
  EXPECT_EQ(h.from, Hearing::domain_nbest);
  engine.nbest.pop_back();
  const Heard none = run(PolicyOptions{.min_agreement = 0.5});
  EXPECT_EQ(none.words, "throw large double shot mocha and");
  EXPECT_EQ(none.from, Hearing::mixed);
}

}  // namespace
}  // namespace hark::asr
