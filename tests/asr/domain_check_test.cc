// parser_domain_check: which words of the skills' model alone may stand as the transcript,
// and the parser's tolerance of stray words in a user skill's spoken command.
#include "asr/domain_check.h"

#include <gtest/gtest.h>

namespace hark::asr {
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
    check_ = parser_domain_check(*parser_, registry_);
  }
  skills::Registry registry_;
  std::unique_ptr<nlu::Parser> parser_;
  std::function<bool(std::string_view)> check_;
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

TEST_F(DomainCheckTest, UserSkillToleratesAStrayWord) {
  // A recognizer often leaves a stray word at the edge of a spoken command.
  const auto r = parser_->parse("can i have a large green tea today", nlu::Context{});
  EXPECT_EQ(r.intent, "order_tea");
  EXPECT_GT(r.confidence, kDomainMinConfidence);  // a template match, not a classifier guess
  ASSERT_TRUE(r.slots.count("tea"));
  EXPECT_EQ(r.slots.at("tea").value.as_string(), "green tea");
  ASSERT_TRUE(r.slots.count("size"));
  EXPECT_EQ(r.slots.at("size").value.as_string(), "large");
  EXPECT_NE(parser_->parse("can i have a large green tea today", nlu::Context{}).confidence,
            parser_->parse("can i have a large green tea", nlu::Context{}).confidence);
}

}  // namespace
}  // namespace hark::asr
