// The matcher compiles the trees the skill loader stored: what loads is understood, however
// deep its rules nest within the one limit.
#include "nlu/parser.h"
#include "nlu/template.h"

#include "skills/deep_rules.h"
#include "skills/registry.h"

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

TEST(SentenceGrammar, CompilePhraseMatchesCompileTemplate) {
  skills::Skill s = skills::parse_skill(R"y(name: call
slots: {who: {type: contact}}
rules: {greet: "(hi | hello) there"}
sentences: ["<greet> [please] (Call | phone) {who}!"]
)y",
                                        "call.yaml", {});
  Vocabulary a, b;
  Sequence stored = compile_phrase(s.grammar.at(0), a);
  Sequence read = compile_template(s.sentences[0], s, {}, b);
  ASSERT_EQ(stored.size(), 4u);
  ASSERT_EQ(read.size(), stored.size());
  EXPECT_EQ(required_words(stored).size(), required_words(read).size());
  EXPECT_EQ(min_tokens(stored), min_tokens(read));
  EXPECT_EQ(stored[3].kind, Node::Kind::kSlot);
  EXPECT_EQ(stored[2].alts[0][0].word, a.find("call"));
}

TEST(SentenceGrammar, TheDeepestLoadableSentenceIsUnderstood) {
  skills::Registry reg;
  reg.add(skills::parse_skill(testing::deep_rules_skill(skills::kMaxRuleDepth), "deep.yaml", {}));
  Parser p(reg);
  Context ctx;
  EXPECT_EQ(p.parse("go down", ctx).intent, "deep");
  EXPECT_NE(p.parse("go up", ctx).intent, "deep");
}

TEST(SentenceGrammar, ATooDeepHandBuiltSkillNamesItsFile) {
  skills::Registry reg;
  skills::Skill s = skills::parse_skill(testing::deep_rules_skill(1), "deep.yaml", {});
  s.grammar.clear();  // as if built by hand: the parser reads the sentences itself
  s.rules.clear();
  for (int i = 1; i <= skills::kMaxRuleDepth; ++i)
    s.rules["r" + std::to_string(i)] = "<r" + std::to_string(i + 1) + ">";
  s.rules["r" + std::to_string(skills::kMaxRuleDepth + 1)] = "down";
  reg.add(s);
  try {
    Parser p(reg);
    FAIL() << "no LoadError";
  } catch (const skills::LoadError& e) {
    EXPECT_EQ(e.file(), "deep.yaml");
    EXPECT_NE(e.reason().find("nest deeper"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hark::nlu
