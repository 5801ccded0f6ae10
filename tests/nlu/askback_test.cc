// The parser's ask-back (ParseResult::choices), with sentences of our own: a request the
// classifier splits between two skills, or a confirmation skill that is only probable.
#include "builtin_parser.h"

namespace hark::nlu {
namespace {

class AskBack : public testing::BuiltinParserTest {};

TEST_F(AskBack, TwoCloseSkillsAreBothOffered) {
  auto r = parse("heads up in twenty minutes");
  EXPECT_EQ(r.intent, "fallback");
  ASSERT_EQ(r.choices.size(), 2u);
  EXPECT_EQ(r.choices[0], "timer");
  EXPECT_EQ(r.choices[1], "unit_conversion");
  // The slots found are those of the first choice.
  EXPECT_EQ(str(r, "duration_seconds"), "1200");
}

TEST_F(AskBack, AProbableConfirmationSkillIsAskedAbout) {
  for (const char* word : {"dial", "message"}) {
    auto r = parse(word);
    EXPECT_EQ(r.intent, "fallback") << word;
    ASSERT_EQ(r.choices.size(), 1u) << word;
    EXPECT_EQ(r.choices[0], word == std::string("dial") ? "call" : "message");
  }
}

TEST_F(AskBack, ClearRequestsAndOtherTalkAskNothing) {
  for (const char* s : {"call Mom", "set an alarm for 6 am", "what's the weather in Rome",
                        "call me Sam", "my neighbour plays the drums", "tell me about volcanoes"}) {
    auto r = parse(s);
    EXPECT_TRUE(r.choices.empty()) << s << " -> " << r.choices.front();
  }
}

// The ask-back names who, so the question can ("Do you want to send Anna a message?"):
// only words that name a stored contact, never other free words.
TEST_F(AskBack, AStoredContactIsFoundForTheQuestion) {
  auto unknown = parse("anna message");
  ASSERT_EQ(unknown.choices, std::vector<std::string>{"message"});
  EXPECT_EQ(str(unknown, "target"), "<missing>");
  ctx_.contacts = {{"Anna Smith", {}}, {"Mom", {"mother"}}};
  auto known = parse("anna message");
  ASSERT_EQ(known.choices, std::vector<std::string>{"message"});
  EXPECT_EQ(known.slots.at("target").raw, "anna");
  EXPECT_EQ(known.intent, "fallback");  // still a question, not an action
}

}  // namespace
}  // namespace hark::nlu
