// ParserHearingCheck: which words of the skills' model alone may stand as the transcript,
// and the parser's tolerance of stray words in a user skill's spoken command.
#include "app/hearing_check.h"

#include <gtest/gtest.h>

namespace hark::app {
namespace {

// A user skill like examples/skills/coffee.yaml, small enough to read here.
skills::Skill tea_skill() {
  skills::Skill s;
  s.name = "order_tea";
  s.action = "order_tea";
  s.source = "tea.yaml";
  skills::SlotDef tea;
  tea.name = "tea";
  tea.values = {{{"green tea", "green"}, "green tea"}, {{"black tea"}, "black tea"}, {{"mint tea"}, "mint tea"}};
  skills::SlotDef size;
  size.name = "size";
  size.required = false;
  size.values = {{{"small"}, "small"}, {{"large", "big"}, "large"}};
  s.slots = {tea, size};
  s.sentences = {"[i would like | can i have] [a] [{size}] {tea} [please]"};
  return s;
}

class DomainCheckTest : public ::testing::Test {
 protected:
  DomainCheckTest() {
    registry_.load_builtin();
    registry_.add(tea_skill());
    parser_ = std::make_unique<nlu::Parser>(registry_);
    hearing_ = std::make_unique<ParserHearingCheck>(*parser_, registry_);
  }
  bool check_(std::string_view words) const { return hearing_->accepts_domain(words); }
  skills::Registry registry_;
  std::unique_ptr<nlu::Parser> parser_;
  std::unique_ptr<ParserHearingCheck> hearing_;
};

TEST_F(DomainCheckTest, AcceptsCommandsOfClosedAndTypedSlots) {
  EXPECT_TRUE(check_("can i have a large green tea"));
  EXPECT_TRUE(check_("set a timer for ten minutes"));
}

TEST_F(DomainCheckTest, LeavesFreeTextAndNamesToTheMixedModel) {
  // The skills' model can only say the sample fillers of a text or contact slot.
  EXPECT_FALSE(check_("call mom"));
  EXPECT_FALSE(check_("send a message to sarah saying see you soon"));
}

TEST_F(DomainCheckTest, RejectsWordsThatAreNoCommand) {
  EXPECT_FALSE(check_("the the of a in"));
  EXPECT_FALSE(check_(""));
}

TEST_F(DomainCheckTest, CommandCheckTakesAnyTemplateMatch) {
  // The mixed model's hearing stands for any command, names and free text included.
  EXPECT_TRUE(hearing_->is_command("call mom"));
  EXPECT_TRUE(hearing_->is_command("can i have a large green tea"));
  EXPECT_FALSE(hearing_->is_command("the the of a in"));
}

TEST_F(DomainCheckTest, UserSkillToleratesAStrayWord) {
  // A recognizer often leaves a stray word at the edge of a spoken command.
  const auto r = parser_->parse("can i have a large green tea today", nlu::Context{});
  EXPECT_EQ(r.intent, "order_tea");
  EXPECT_GT(r.confidence, kDomainMinConfidence);  // a template match, not a classifier guess
  ASSERT_TRUE(r.slots.count("tea"));
  EXPECT_EQ(r.slots.at("tea").value, nlu::SlotValue(nlu::Text{"green tea"}));
  ASSERT_TRUE(r.slots.count("size"));
  EXPECT_EQ(r.slots.at("size").value, nlu::SlotValue(nlu::Text{"large"}));
  EXPECT_NE(parser_->parse("can i have a large green tea today", nlu::Context{}).confidence,
            parser_->parse("can i have a large green tea", nlu::Context{}).confidence);
}

}  // namespace
}  // namespace hark::app
