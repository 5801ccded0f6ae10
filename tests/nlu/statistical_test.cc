// The statistical stage: trained from the loaded skills' sentences and examples, it
// answers what the templates miss, under a confidence threshold, and is stricter for
// skills that need confirmation.
#include "nlu/classifier.h"
#include "nlu/parser.h"

#include <gtest/gtest.h>

#include <thread>

namespace hark::nlu {
namespace {

skills::Registry home_skills(bool door_needs_confirmation) {
  skills::Registry reg;
  reg.add(skills::parse_skill(R"y(name: water_plants
action: water_plants
slots: {minutes: {type: duration, required: false, unit: minutes}}
sentences:
  - "water the (plants | garden | lawn) [for {minutes}]"
  - "(start | run) the sprinkler [for {minutes}]"
examples:
  - "give the tomatoes a drink"
  - "the lawn looks dry so turn on the irrigation"
)y", "water_plants.yaml"));
  reg.add(skills::parse_skill(R"y(name: lights
action: lights
slots: {state: {values: [on, off]}}
sentences:
  - "turn {state} the (lights | lamp)"
  - "switch the (lights | lamp) {state}"
examples:
  - "it is too dark in here"
)y", "lights.yaml"));
  reg.add(skills::parse_skill(std::string(R"y(name: unlock_door
action: unlock_door
needs_confirmation: )y") + (door_needs_confirmation ? "true" : "false") + R"y(
slots: {side: {values: [front, back]}}
sentences:
  - "unlock the {side} door"
  - "open the {side} door"
)y", "unlock_door.yaml"));
  return reg;
}

TEST(Statistical, AnswersWhatTheTemplatesMissWithLowerConfidence) {
  auto reg = home_skills(false);
  Parser p(reg);
  Context ctx;
  auto exact = p.parse("water the garden for ten minutes", ctx);
  ASSERT_EQ(exact.intent, "water_plants");
  EXPECT_EQ(exact.slots.at("minutes").value, SlotValue(Duration{10, true}));

  // Not a template: the classifier, trained from the skill's own sentences, answers;
  // the typed slot is still found and normalized.
  auto loose = p.parse("could the garden get some water for ten minutes", ctx);
  EXPECT_EQ(loose.intent, "water_plants");
  EXPECT_GT(loose.confidence, 0.0);
  EXPECT_LT(loose.confidence, exact.confidence);
  ASSERT_TRUE(loose.slots.contains("minutes"));
  EXPECT_EQ(loose.slots.at("minutes").value, SlotValue(Duration{10, true}));

  // Learnt from the examples (their words, not their sentences), not a template.
  EXPECT_EQ(p.parse("the tomatoes look dry", ctx).intent, "water_plants");
}

TEST(Statistical, BelowTheThresholdIsFallbackWithNoConfidence) {
  auto reg = home_skills(false);
  Parser p(reg);
  Context ctx;
  for (const char* text : {"how tall is the eiffel tower", "the", "who won the football yesterday"}) {
    auto r = p.parse(text, ctx);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_EQ(r.confidence, 0.0) << text;
    EXPECT_TRUE(r.slots.empty()) << text;
  }
}

TEST(Statistical, ConfirmationSkillsNeedEveryWordExplained) {
  const char* text = "unlock the front door of the garage";
  {
    auto reg = home_skills(false);
    Parser p(reg);
    EXPECT_EQ(p.parse(text, Context{}).intent, "unlock_door");
  }
  auto reg = home_skills(true);
  Parser p(reg);
  EXPECT_EQ(p.parse(text, Context{}).intent, "fallback");
  EXPECT_EQ(p.parse("unlock the front door", Context{}).intent, "unlock_door");  // a template
}

TEST(Statistical, OneParserServesManyThreadsAlike) {
  auto reg = home_skills(true);
  Parser p(reg);
  const std::vector<std::string> texts = {"could the garden get some water", "turn on the lamp",
                                          "how tall is the eiffel tower", "unlock the back door",
                                          "the tomatoes need a drink"};
  std::vector<std::string> expected;
  for (const auto& t : texts) expected.push_back(p.parse(t, Context{}).intent);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 200; ++round)
        for (std::size_t i = 0; i < texts.size(); ++i)
          if (p.parse(texts[i], Context{}).intent != expected[i]) ++wrong[static_cast<std::size_t>(k)];
    });
  for (auto& t : threads) t.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(Classifier, LearnsDistinctiveWordsAndIsDeterministic) {
  // Word ids: 0 unknown, 1 "water", 2 "garden", 3 "lights", 4 "on", 5 "the".
  std::vector<Sample> samples;
  for (int i = 0; i < 20; ++i) {
    samples.push_back({{1, 5, 2}, 0});
    samples.push_back({{4, 5, 3}, 1});
    samples.push_back({{5, 0, 0}, 2});
  }
  Classifier a, b;
  a.train(samples, 3, 6, 0);
  b.train(samples, 3, 6, 0);
  auto pa = a.predict({5, 2, 1});
  auto pb = b.predict({5, 2, 1});
  EXPECT_EQ(pa.label, 0);
  EXPECT_EQ(pa.prob, pb.prob);
  EXPECT_GT(pa.prob, 0.5);
  EXPECT_EQ(pa.coverage, 1.0);
  EXPECT_EQ(a.predict({3, 4}).label, 1);
  // Words never seen read as unknown: they lower the coverage.
  auto unseen = a.predict({1, 42, 43});
  EXPECT_LT(unseen.coverage, 0.5);
  EXPECT_TRUE(a.distinctive(1, 0));
  EXPECT_FALSE(a.distinctive(1, 1));
  EXPECT_FALSE(a.distinctive(5, 0));  // "the" is everywhere
}

}  // namespace
}  // namespace hark::nlu
