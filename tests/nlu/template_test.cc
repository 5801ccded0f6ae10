#include "nlu/template.h"

#include "skills/registry.h"

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

skills::Skill test_skill() {
  skills::Skill s;
  s.name = "test";
  s.source = "test.yaml";
  s.slots.push_back({"target", skills::SlotType::kContact, {}, true, "seconds"});
  s.rules["greet"] = "(hi | hello) there";
  return s;
}

TEST(CompileTemplate, WordsGroupsSlotsAndRules) {
  Vocabulary vocab;
  auto s = test_skill();
  Sequence seq = compile_template("<greet> [please] (Call | phone) {target}!", s, {}, vocab);
  ASSERT_EQ(seq.size(), 4u);
  EXPECT_EQ(seq[0].kind, Node::Kind::kGroup);  // the rule
  ASSERT_EQ(seq[0].alts.size(), 1u);
  EXPECT_EQ(seq[0].alts[0].size(), 2u);  // (hi | hello) there
  EXPECT_EQ(seq[1].kind, Node::Kind::kGroup);
  EXPECT_TRUE(seq[1].optional);
  EXPECT_EQ(seq[2].alts.size(), 2u);
  EXPECT_FALSE(seq[2].optional);
  EXPECT_EQ(seq[2].alts[0][0].word, vocab.find("call"));  // lower-cased
  EXPECT_EQ(seq[3].kind, Node::Kind::kSlot);
  EXPECT_EQ(seq[3].slot, 0);
}

TEST(CompileTemplate, ContractionsBecomeTwoWords) {
  Vocabulary vocab;
  auto s = test_skill();
  Sequence seq = compile_template("what's up", s, {}, vocab);
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_EQ(seq[0].word, vocab.find("what"));
  EXPECT_EQ(seq[1].word, vocab.find("is"));
}

TEST(CompileTemplate, SharedRulesResolveAfterOwnRules) {
  Vocabulary vocab;
  auto s = test_skill();
  std::map<std::string, std::string> shared{{"greet", "never used"}, {"polite", "[please]"}};
  Sequence seq = compile_template("<polite> <greet>", s, shared, vocab);
  ASSERT_EQ(seq.size(), 2u);
  EXPECT_EQ(seq[1].alts[0].size(), 2u);  // the skill's own <greet>
  EXPECT_EQ(vocab.find("never"), -1);
}

TEST(CompileTemplate, ErrorsNameTheSkillFile) {
  Vocabulary vocab;
  auto s = test_skill();
  for (const char* bad : {"(call | phone {target}", "call ] {target}", "call {nobody}", "<missing> x",
                          "a | b"}) {
    try {
      compile_template(bad, s, {}, vocab);
      ADD_FAILURE() << "compiled: " << bad;
    } catch (const skills::LoadError& e) {
      EXPECT_EQ(e.file(), "test.yaml") << bad;
    }
  }
}

TEST(CompileTemplate, RequiredWordsAndMinTokens) {
  Vocabulary vocab;
  auto s = test_skill();
  Sequence seq = compile_template("[please] call {target} (now | right now) <greet>", s, {}, vocab);
  auto req = required_words(seq);
  std::vector<int> want{vocab.find("call"), vocab.find("there")};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(req, want);
  EXPECT_EQ(min_tokens(seq), 5);  // call, target, now, hi, there
}

}  // namespace
}  // namespace hark::nlu
