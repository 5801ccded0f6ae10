// The shipped skill files: they load, and they keep the names and params of the contract.
#include "skills/registry.h"

#include <gtest/gtest.h>

#include <set>

namespace hark::skills {
namespace {

class Builtin : public ::testing::Test {
 protected:
  void SetUp() override { registry_.load_builtin(); }
  const Skill& skill(const std::string& name) {
    const Skill* s = registry_.find(name);
    EXPECT_NE(s, nullptr) << name;
    static Skill none;
    return s ? *s : none;
  }
  Registry registry_;
};

TEST_F(Builtin, EverySkillOfTheContractIsThere) {
  for (const char* name :
       {"call", "message", "navigation", "alarm", "timer", "reminder", "calendar_add",
        "calendar_remove", "calendar_query", "play_music", "media_control", "volume", "weather",
        "share_location", "find_phone", "open_app", "web_search", "device_setting", "time", "date",
        "calculator", "unit_conversion", "reminder_list", "list_add", "list_remove", "list_read",
        "list_clear", "greeting", "goodbye", "thanks", "help", "joke", "flip_coin", "roll_dice",
        "repeat", "confirm", "deny", "cancel"})
    EXPECT_NE(registry_.find(name), nullptr) << name;
}

TEST_F(Builtin, ActionSkillsNameTheirAction) {
  for (const char* name : {"call", "message", "navigation", "alarm", "timer", "reminder",
                           "share_location", "find_phone", "open_app", "web_search",
                           "device_setting", "volume", "weather"})
    EXPECT_EQ(skill(name).action, name);
  for (const char* name : {"time", "date", "calculator", "list_add", "greeting", "confirm"})
    EXPECT_TRUE(skill(name).action.empty()) << name;
}

TEST_F(Builtin, ConfirmationWhereTheContractSaysSo) {
  for (const char* name : {"call", "message", "calendar_remove", "share_location"})
    EXPECT_TRUE(skill(name).needs_confirmation) << name;
  EXPECT_FALSE(skill("alarm").needs_confirmation);
}

TEST_F(Builtin, SlotsAndTypes) {
  EXPECT_EQ(skill("call").find_slot("target")->type, SlotType::kContact);
  EXPECT_EQ(skill("call").responses.at(0), "Calling {target}.");
  EXPECT_EQ(skill("timer").find_slot("duration_seconds")->type, SlotType::kDuration);
  EXPECT_EQ(skill("calendar_add").find_slot("duration_minutes")->unit, "minutes");
  EXPECT_FALSE(skill("calendar_add").find_slot("duration_minutes")->required);
  EXPECT_TRUE(skill("reminder").find_slot("datetime")->required);
  EXPECT_FALSE(skill("navigation").find_slot("mode")->required);
  EXPECT_EQ(skill("message").ask.at("body"), "What should the message say?");
  EXPECT_EQ(skill("message").ask.at("target"), "Who should I send it to?");
  std::set<std::string> outs;
  for (auto& v : skill("device_setting").find_slot("setting")->values) outs.insert(v.out);
  EXPECT_EQ(outs, (std::set<std::string>{"wifi", "bluetooth", "flashlight", "do_not_disturb",
                                         "airplane_mode"}));
}

TEST_F(Builtin, SharedRulesComeFromTheRulesFile) {
  EXPECT_TRUE(registry_.shared_rules().count("please"));
  EXPECT_EQ(registry_.find("_rules"), nullptr);
}

}  // namespace
}  // namespace hark::skills
