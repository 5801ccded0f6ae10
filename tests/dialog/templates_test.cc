#include "dialog/templates.h"

#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

skills::Skill alarm_skill(std::vector<std::string> responses) {
  skills::Skill s;
  s.name = "alarm";
  s.action = "alarm";
  s.slots = {{"time", skills::SlotType::kTime, {}, true},
             {"label", skills::SlotType::kText, {}, false},
             {"date", skills::SlotType::kDate, {}, false}};
  s.responses = std::move(responses);
  return s;
}

nlu::Slot slot(nlu::SlotValue v) { return nlu::Slot{std::move(v), "words"}; }

const LocalTime kToday{2026, 11, 25, 3, 14, 5};

TEST(TemplatesTest, FirstCompleteAlternativeWins) {
  auto skill = alarm_skill({"Alarm set for {time} called {label}.", "Alarm set for {time}."});
  EXPECT_EQ(fill_response(skill, {{"time", slot(nlu::Time{"07:30"})}}, kToday), "Alarm set for 7:30 AM.");
  EXPECT_EQ(fill_response(skill, {{"time", slot(nlu::Time{"07:30"})}, {"label", slot(nlu::Text{"gym"})}}, kToday),
            "Alarm set for 7:30 AM called gym.");
}

TEST(TemplatesTest, MissingOptionalSlotIsDroppedWithItsLittleWord) {
  auto skill = alarm_skill({"Alarm set for {time} on {date} called {label}."});
  EXPECT_EQ(fill_response(skill, {{"time", slot(nlu::Time{"18:00"})}}, kToday), "Alarm set for 6 PM.");
  EXPECT_EQ(fill_response(skill, {{"time", slot(nlu::Time{"18:00"})}, {"date", slot(nlu::Date{"2026-11-26"})}}, kToday),
            "Alarm set for 6 PM tomorrow.");
  EXPECT_EQ(fill_response(skill, {{"time", slot(nlu::Time{"18:00"})}, {"date", slot(nlu::Date{"2026-11-27"})}}, kToday),
            "Alarm set for 6 PM on Friday, November 27.");
  auto plain = alarm_skill({"{label} alarm, set."});
  EXPECT_EQ(fill_response(plain, {{"time", slot(nlu::Time{"18:00"})}}, kToday), "Alarm, set.");
}

TEST(TemplatesTest, ValuesAreSpoken) {
  skills::Skill timer;
  timer.name = "timer";
  timer.slots = {{"duration_seconds", skills::SlotType::kDuration, {}, true}};
  timer.responses = {"Timer set for {duration_seconds}."};
  EXPECT_EQ(fill_response(timer, {{"duration_seconds", slot(nlu::Duration{600})}}, kToday), "Timer set for 10 minutes.");

  skills::Skill setting;
  setting.name = "device_setting";
  setting.slots = {{"setting", skills::SlotType::kClosed, {{{"do not disturb"}, "do_not_disturb"}}, true}};
  setting.responses = {"Turning on {setting}."};
  EXPECT_EQ(fill_response(setting, {{"setting", slot(nlu::Text{"do_not_disturb"})}}, kToday), "Turning on do not disturb.");

  skills::Skill call;
  call.name = "call";
  call.slots = {{"target", skills::SlotType::kContact, {}, true}};
  call.responses = {"Calling {target}."};
  EXPECT_EQ(fill_response(call, {{"target", slot(nlu::Text{"Mom"})}}, kToday), "Calling Mom.");
  skills::Skill message;
  message.name = "message";
  message.slots = {{"target", skills::SlotType::kContact, {}, true}, {"body", skills::SlotType::kText, {}, false}};
  message.responses = {"Sending \"{body}\" to {target}."};
  EXPECT_EQ(fill_response(message, {{"target", slot(nlu::Text{"Joe"})}}, kToday), "Sending to Joe.");
  EXPECT_EQ(fill_response(message, {{"target", slot(nlu::Text{"Joe"})}, {"body", slot(nlu::Text{"hi"})}}, kToday),
            "Sending \"hi\" to Joe.");
  call.responses = {};
  EXPECT_EQ(fill_response(call, {{"target", slot(nlu::Text{"Mom"})}}, kToday), "OK.");
}

}  // namespace
}  // namespace hark::dialog
