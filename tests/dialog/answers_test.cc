#include "dialog/answers.h"

#include "dialog/speech.h"
#include "fixture.h"

#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

using testing::ScriptedRandom;
using testing::TempDir;

class AnswersTest : public ::testing::Test {
 protected:
  AnswersTest() {
    store_ = store::open_sqlite(dir_.path() / "hark.db");
    user_ = store_->create_user("bo@example.com", "Bo", "hash", 1).value().id;
    ctx_.user_id = user_;
    ctx_.store = store_.get();
    ctx_.skills = &registry_;
    ctx_.random = &random_;
    ctx_.now = testing::test_now();
  }

  std::string say(const std::string& intent, std::map<std::string, nlu::Slot> slots = {}) {
    auto r = answer(intent, slots, ctx_);
    EXPECT_TRUE(r) << intent;
    if (!r || !*r) return "<none>";
    return **r;
  }

  static nlu::Slot text(const std::string& s) { return nlu::Slot{nlu::Text{s}, s}; }
  static nlu::Slot number(double v) { return nlu::Slot{nlu::Number{v}, "n"}; }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::int64_t user_ = 0;
  skills::Registry registry_;
  ScriptedRandom random_;
  AnswerContext ctx_;
};

TEST_F(AnswersTest, TimeAndDateInTheSessionZone) {
  EXPECT_EQ(say("time"), "It's 2:05 PM.");
  EXPECT_EQ(say("date"), "Today is Wednesday, November 25.");
  ctx_.timezone = "America/New_York";
  EXPECT_EQ(say("time"), "It's 9:05 AM.");
  ctx_.timezone = "Pacific/Kiritimati";
  EXPECT_EQ(say("time"), "It's 4:05 AM.");
  EXPECT_EQ(say("date"), "Today is Thursday, November 26.");
}

TEST_F(AnswersTest, TimeOfANamedPlace) {
  EXPECT_EQ(say("time", {{"location", text("tokyo")}}), "It's 11:05 PM in Tokyo.");
  EXPECT_EQ(say("time", {{"location", text("new york")}}), "It's 9:05 AM in New York.");
  EXPECT_EQ(say("time", {{"location", text("Atlantis")}}), "Sorry, I don't know the time in Atlantis.");
  EXPECT_EQ(zone_of_place("Los Angeles"), "America/Los_Angeles");
  EXPECT_FALSE(zone_of_place(""));
}

TEST_F(AnswersTest, ListRoundTrip) {
  EXPECT_EQ(say("list_read"), "Your shopping list is empty.");
  EXPECT_EQ(say("list_add", {{"item", text("milk")}}), "I've added milk to your shopping list.");
  EXPECT_EQ(say("list_add", {{"item", text("eggs")}, {"list", text("shopping")}}),
            "I've added eggs to your shopping list.");
  EXPECT_EQ(say("list_add", {{"item", text("milk")}}), "Milk is already on your shopping list.");
  EXPECT_EQ(say("list_add", {{"item", text("file taxes")}, {"list", text("todo")}}),
            "I've added file taxes to your to-do list.");
  EXPECT_EQ(say("list_read"), "Your shopping list has milk and eggs.");
  EXPECT_EQ(say("list_read", {{"list", text("todo")}}), "Your to-do list has file taxes.");
  EXPECT_EQ(say("list_remove", {{"item", text("milk")}}), "I've removed milk from your shopping list.");
  EXPECT_EQ(say("list_remove", {{"item", text("milk")}}), "Milk isn't on your shopping list.");
  EXPECT_EQ(store_->list_items(user_, "shopping").value(), std::vector<std::string>{"eggs"});
  EXPECT_EQ(say("list_clear"), "I've cleared your shopping list.");
  EXPECT_EQ(say("list_read"), "Your shopping list is empty.");
  EXPECT_EQ(say("list_read", {{"list", text("todo")}}), "Your to-do list has file taxes.");
}

TEST_F(AnswersTest, RemindersReadBackUpcomingOnly) {
  EXPECT_EQ(say("reminder_list"), "You have no reminders.");
  store_->add_reminder(user_, {0, "water the plants", "2026-11-25T10:00", 1}).value();  // past
  store_->add_reminder(user_, {0, "call the dentist", "2026-11-26T09:00", 1}).value();
  EXPECT_EQ(say("reminder_list"), "You have one reminder: call the dentist tomorrow at 9 AM.");
  store_->add_reminder(user_, {0, "pay rent", "2026-12-01T08:30", 1}).value();
  EXPECT_EQ(say("reminder_list"),
            "You have 2 reminders: call the dentist tomorrow at 9 AM and pay rent on Tuesday, "
            "December 1 at 8:30 AM.");
}

TEST_F(AnswersTest, CalculatorAndConversion) {
  EXPECT_EQ(say("calculator", {{"expression", text("6 times 7")}}), "That's 42.");
  EXPECT_EQ(say("calculator", {{"expression", text("1 over 0")}}), "Sorry, I can't divide by zero.");
  EXPECT_EQ(say("unit_conversion", {{"from_unit", text("mile")}, {"to_unit", text("kilometer")}}),
            "1 mile is 1.61 kilometers.");
  EXPECT_EQ(say("unit_conversion",
                {{"amount", number(3)}, {"from_unit", text("foot")}, {"to_unit", text("inch")}}),
            "3 feet is 36 inches.");
  EXPECT_EQ(say("unit_conversion", {{"from_unit", text("gram")}, {"to_unit", text("liter")}}),
            "Sorry, I can't convert grams to liters.");
}

TEST_F(AnswersTest, RandomAnswersFollowTheRandomSource) {
  random_.queue = {0, 1, 0, 1};
  std::string first = say("joke");
  std::string second = say("joke");
  EXPECT_NE(first, second);
  EXPECT_GT(first.size(), 10u);
  EXPECT_EQ(say("flip_coin"), "It's heads.");
  EXPECT_EQ(say("flip_coin"), "It's tails.");
  random_.queue = {3};
  EXPECT_EQ(say("roll_dice"), "You rolled a 4.");
  random_.queue = {7};
  EXPECT_EQ(say("roll_dice", {{"sides", number(20)}}), "You rolled an 8.");
  random_.queue = {0, 5, 2};
  EXPECT_EQ(say("roll_dice", {{"count", number(3)}}), "You rolled 1, 6 and 3, for a total of 10.");
  EXPECT_EQ(say("roll_dice", {{"sides", number(1)}}), "I can roll from 1 to 100 dice, with 2 to 1000 sides each.");
  EXPECT_EQ(say("roll_dice", {{"count", number(1e9)}}), "I can roll from 1 to 100 dice, with 2 to 1000 sides each.");
}

TEST_F(AnswersTest, HelpNamesLoadedSkillsOnly) {
  skills::Skill call;
  call.name = "call";
  call.action = "call";
  registry_.add(call);
  skills::Skill timer;
  timer.name = "timer";
  timer.action = "timer";
  registry_.add(timer);
  std::string help = say("help");
  EXPECT_NE(help.find("make calls"), std::string::npos) << help;
  EXPECT_NE(help.find("set timers"), std::string::npos) << help;
  EXPECT_EQ(help.find("play music"), std::string::npos) << help;
}

TEST_F(AnswersTest, SmallTalkAndUnknown) {
  EXPECT_FALSE(say("greeting").empty());
  EXPECT_EQ(say("thanks"), "You're welcome!");
  EXPECT_EQ(say("goodbye"), "Goodbye!");
  auto none = answer("call", {}, ctx_);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  EXPECT_FALSE(is_answered_skill("call"));
  EXPECT_TRUE(is_answered_skill("list_add"));
}

}  // namespace
}  // namespace hark::dialog
