// The lexical knowledge the statistical stage reads words through: Snowball stems and
// WordNet synonyms (Debian's libstemmer and wordnet packages).
#include "nlu/lexicon.h"
#include "nlu/parser.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace hark::nlu {
namespace {

bool has(const std::vector<std::string>& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

TEST(Lexicon, StemsJoinTheFormsOfAWord) {
  EXPECT_EQ(lexicon::stem("reminders"), lexicon::stem("remind"));
  EXPECT_EQ(lexicon::stem("calling"), "call");
  EXPECT_EQ(lexicon::stem("alarms"), "alarm");
  EXPECT_NE(lexicon::stem("call"), lexicon::stem("cold"));
  EXPECT_EQ(lexicon::stem(""), "");
}

TEST(Lexicon, WordNetGivesSynonymsOfTheCommonSenses) {
  ASSERT_FALSE(lexicon::wordnet_version().empty()) << "wordnet-base is not installed";
  auto water = lexicon::synonyms("water", 2);
  EXPECT_TRUE(has(water, "irrigate")) << "water as a verb";
  EXPECT_FALSE(has(water, "water"));
  EXPECT_TRUE(has(lexicon::synonyms("purchase", 2), "buy"));
  // Multi-word entries ("call_up") are left out.
  for (const auto& w : lexicon::synonyms("call", 3)) EXPECT_EQ(w.find('_'), std::string::npos) << w;
  EXPECT_TRUE(lexicon::synonyms("qwzxv", 2).empty());
}

// A word no sentence of any skill has is read as a known synonym: "irrigate" as "water".
TEST(Lexicon, TheParserReadsAnUnknownWordAsItsKnownSynonym) {
  skills::Registry reg;
  reg.add(skills::parse_skill(R"y(name: water_plants
action: water_plants
sentences:
  - "water the (plants | garden | lawn)"
  - "(start | run) the sprinkler"
)y", "water_plants.yaml"));
  Parser p(reg);
  Context ctx;
  EXPECT_EQ(p.parse("water the garden", ctx).intent, "water_plants");
  auto r = p.parse("irrigate the garden", ctx);
  EXPECT_EQ(r.intent, "water_plants");
  EXPECT_LT(r.confidence, p.parse("water the garden", ctx).confidence);
  EXPECT_EQ(p.parse("decorate the garden", ctx).intent, "fallback");
}

}  // namespace
}  // namespace hark::nlu
