// The evidence an action chosen by the statistical stage needs (src/nlu/evidence.h), with
// the built-in skills. The sentences below reach the classifier (no template has them),
// and each pair shows a request that acted wrongly without the evidence next to a close
// one that still acts.
#include "nlu/lexicon.h"
#include "nlu/parser.h"

#include "builtin_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hark::nlu {
namespace {

// Below any template match's confidence: the classifier answered.
constexpr double kTemplateConfidence = 0.5;

class ActionEvidence : public testing::BuiltinParserTest {};

bool has(const std::vector<std::string>& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

TEST_F(ActionEvidence, ARequiredClosedListSlotMustBeNamed) {
  // Every device_setting sentence names a setting; "that thing" names none, so there is
  // nothing to switch (before: device_setting acted, with no setting).
  for (const char* text : {"switch that thing off", "switch that thing on"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_TRUE(r.slots.empty()) << text;
  }
  // Naming one is enough for the classifier's answer to stand.
  for (auto [text, setting] :
       {std::pair{"switch that wifi thing off", "wifi"}, {"switch that bluetooth thing off", "bluetooth"}}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "device_setting") << text;
    EXPECT_LT(r.confidence, kTemplateConfidence) << text;
    EXPECT_EQ(str(r, "setting"), setting) << text;
    EXPECT_EQ(str(r, "state"), "off") << text;
  }
}

TEST_F(ActionEvidence, ANounOfAForeignBackgroundTopicStopsTheAction) {
  // Soup is food and an engine part of a car: topics of the background sentences that the
  // weather's own sentences never touch (before: weather acted on both).
  for (const char* text : {"tell me the temperature of my soup", "what's the temperature of the engine"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_EQ(r.confidence, 0.0) << text;
  }
  // The same questions about what no background topic files away still get the weather.
  for (const char* text : {"tell me the temperature of the sea", "what's the temperature of the pool"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "weather") << text;
    EXPECT_LT(r.confidence, kTemplateConfidence) << text;
  }
}

TEST_F(ActionEvidence, TemplateMatchesAreTrustedAsBefore) {
  // A skill's own sentence stands even with a background noun in its free text.
  auto r = parse("remind me to pay the mortgage tomorrow at 9 am");
  EXPECT_EQ(r.intent, "reminder");
  EXPECT_GE(r.confidence, kTemplateConfidence);
  EXPECT_EQ(str(r, "text"), "pay the mortgage");
  EXPECT_EQ(parse("navigate to the bank").intent, "navigation");
}

TEST_F(ActionEvidence, ManyThreadsGetTheSameAnswers) {
  // WordNet's answers are kept per word: threads asking at once share them safely.
  const std::vector<std::string> texts = {"tell me the temperature of my soup", "tell me the temperature of the sea",
                                          "what's the temperature of the engine", "switch that thing off"};
  std::vector<std::string> want;
  for (const auto& t : texts) want.push_back(parse(t).intent);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int i = 0; i < 50; ++i)
        for (std::size_t j = 0; j < texts.size(); ++j)
          if (parser_->parse(texts[j], ctx_).intent != want[j]) ++wrong[static_cast<std::size_t>(k)];
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(NounAncestors, ANounsSenseAndItsHypernymsNotNamesOrVerbs) {
  ASSERT_FALSE(lexicon::wordnet_version().empty()) << "wordnet-base is not installed";
  auto burrito = lexicon::noun_ancestors("burrito", 1, 2);
  EXPECT_TRUE(has(burrito, "burrito"));
  EXPECT_TRUE(has(burrito, "dish")) << "one level up";
  EXPECT_TRUE(has(burrito, "nutriment")) << "two levels up";
  EXPECT_FALSE(has(burrito, "food")) << "three levels up";
  EXPECT_TRUE(has(lexicon::noun_ancestors("flights", 1, 0), "flight")) << "read in its base form";
  // A word that is a name in one of its senses may be one here: no topic.
  EXPECT_TRUE(lexicon::noun_ancestors("john", 1, 2).empty());
  EXPECT_TRUE(lexicon::noun_ancestors("austin", 1, 2).empty());
  // Mostly a verb: its rare noun sense ("ADD") is not what was said.
  EXPECT_TRUE(lexicon::noun_ancestors("add", 1, 2).empty());
  EXPECT_TRUE(lexicon::noun_ancestors("qwzxv", 1, 2).empty());
}

}  // namespace
}  // namespace hark::nlu
