#include "skills/grammar.h"

#include "skills/deep_rules.h"
#include "skills/registry.h"

#include <gtest/gtest.h>

namespace hark::skills {
namespace {

using Kind = GrammarNode::Kind;

TEST(Grammar, TheLoaderStoresOneTreePerSentence) {
  Skill s = parse_skill(R"y(name: call
slots: {who: {type: contact}}
rules: {greet: "(hi | hello) there"}
sentences:
  - "<greet> [please] (call | phone) {who} now"
  - "ring {who}"
)y",
                        "call.yaml");
  ASSERT_EQ(s.grammar.size(), 2u);
  const Phrase& p = s.grammar[0];
  ASSERT_EQ(p.size(), 8u);  // rule, " ", [..], " ", (..), " ", slot, " now"
  EXPECT_EQ(p[0].kind, Kind::kChoice);  // the rule, resolved: one alternative
  ASSERT_EQ(p[0].alts.size(), 1u);
  EXPECT_EQ(p[0].alts[0][0].alts.size(), 2u);  // (hi | hello)
  EXPECT_EQ(p[0].alts[0][1].text, " there");
  EXPECT_EQ(p[2].kind, Kind::kChoice);
  EXPECT_TRUE(p[2].optional);
  EXPECT_EQ(p[4].alts.size(), 2u);
  EXPECT_FALSE(p[4].optional);
  EXPECT_EQ(p[5].kind, Kind::kText);
  EXPECT_EQ(p[6].kind, Kind::kSlot);
  EXPECT_EQ(p[6].text, "who");
  EXPECT_EQ(p[6].slot, 0);
  EXPECT_EQ(p[7].text, " now");
  EXPECT_EQ(s.grammar[1].back().kind, Kind::kSlot);
}

TEST(Grammar, RulesMayNestUpToTheOneLimit) {
  Skill s = parse_skill(testing::deep_rules_skill(kMaxRuleDepth), "deep.yaml", {});
  ASSERT_EQ(s.grammar.size(), 1u);
  // Down the chain of rules to the word.
  const Phrase* p = &s.grammar[0];
  int depth = 0;
  while (p->back().kind == Kind::kChoice) {
    p = &p->back().alts.at(0);
    ++depth;
  }
  EXPECT_EQ(depth, kMaxRuleDepth);
  EXPECT_EQ(p->back().text, "down");
}

TEST(Grammar, DeeperNestingIsRefusedAtLoadWithTheSentenceLine) {
  try {
    parse_skill(testing::deep_rules_skill(kMaxRuleDepth + 1), "deep.yaml", {});
    FAIL() << "no LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.file(), "deep.yaml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(e.reason().find("nest deeper than 16"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("deep.yaml:3: ", 0), 0u) << e.what();
  }
}

TEST(Grammar, ARuleTooDeepByItselfNamesTheRuleLine) {
  // Rules first: <r1> is on line 3 and reaches r18 at depth 17; no sentence uses it.
  std::string y = "name: deep\nrules:\n";
  for (int i = 1; i <= kMaxRuleDepth + 1; ++i)
    y += "  r" + std::to_string(i) + ": \"<r" + std::to_string(i + 1) + ">\"\n";
  y += "  r" + std::to_string(kMaxRuleDepth + 2) + ": \"down\"\nsentences: [hi]\n";
  try {
    parse_skill(y, "rules.yaml", {});
    FAIL() << "no LoadError";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.line(), 3) << e.what();
    EXPECT_NE(e.reason().find("nest deeper"), std::string::npos) << e.what();
  }
}

TEST(Grammar, ParseSentenceErrorsSayWhy) {
  Skill s;
  s.slots.push_back({"who", SlotType::kContact, {}, true, "seconds"});
  for (auto [bad, why] : {std::pair{"(call | phone {who}", "unbalanced '('"},
                          std::pair{"call {nobody}", "not declared"},
                          std::pair{"<missing> x", "unknown rule"}, std::pair{"a | b", "'|' outside"}}) {
    try {
      parse_sentence(bad, s, {});
      ADD_FAILURE() << "read: " << bad;
    } catch (const GrammarError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << bad << ": " << e.what();
    }
  }
}

TEST(Grammar, BuiltinSkillsAreMarkedByAFieldNotTheirName) {
  Registry r;
  r.load_builtin();
  ASSERT_FALSE(r.all().empty());
  for (const auto& s : r.all()) EXPECT_TRUE(s.builtin) << s.name;
  Skill mine = parse_skill(testing::deep_rules_skill(1), "builtin:lookalike.yaml", {});
  EXPECT_FALSE(mine.builtin);
}

}  // namespace
}  // namespace hark::skills
