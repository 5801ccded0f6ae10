// What speech and people add to a request, with the built-in skills: each tolerance,
// and that slots stay right under it.
#include "nlu/parser.h"

#include "builtin_parser.h"
#include "time_points.h"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

using testing::utc;

class Tolerance : public testing::BuiltinParserTest {};

TEST_F(Tolerance, FillerWords) {
  auto r = parse("uh set a timer for ten minutes");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(str(r, "duration_seconds"), "600");
  r = parse("um, so, could you please uh set a timer for ten minutes");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(str(r, "duration_seconds"), "600");
  r = parse("hey can you tell me a joke please");
  EXPECT_EQ(r.intent, "joke");
  // Hesitations inside a free-text slot are not part of its value.
  r = parse("add uh eggs to my shopping list");
  EXPECT_EQ(r.intent, "list_add");
  EXPECT_EQ(str(r, "item"), "eggs");
}

TEST_F(Tolerance, PoliteFrames) {
  auto r = parse("I'd like you to set an alarm for 6:45 am");
  EXPECT_EQ(r.intent, "alarm");
  EXPECT_EQ(str(r, "time"), "06:45");
  r = parse("would you mind turning on the bluetooth");
  EXPECT_EQ(r.intent, "device_setting");
  EXPECT_EQ(str(r, "setting"), "bluetooth");
  EXPECT_EQ(str(r, "state"), "on");
  r = parse("i would really like you to skip this song");
  EXPECT_EQ(r.intent, "media_control");
}

TEST_F(Tolerance, SmallRecognizerSlips) {
  // "four" heard for "for": the alarm is still an alarm at seven.
  auto r = parse("set an alarm four 7 am");
  EXPECT_EQ(r.intent, "alarm");
  EXPECT_EQ(str(r, "time"), "07:00");
  // "whether" heard for "weather"; the date still comes through.
  r = parse("whats the whether like tomorrow");
  EXPECT_EQ(r.intent, "weather");
  EXPECT_EQ(str(r, "date"), "2026-11-26");
  // A letter too many, or one dropped: read as the word it is one letter away from.
  r = parse("set a timmer for ten minutes");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(str(r, "duration_seconds"), "600");
  r = parse("wats the forcast for tomorow");
  EXPECT_EQ(r.intent, "weather");
}

TEST_F(Tolerance, Contractions) {
  auto r = parse("what's the time");
  EXPECT_EQ(r.intent, "time");
  r = parse("what is the time");
  EXPECT_EQ(r.intent, "time");
  r = parse("I'll need a timer for 3 minutes");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(str(r, "duration_seconds"), "180");
}

TEST_F(Tolerance, NumbersAsDigitsOrWords) {
  EXPECT_EQ(str(parse("set a timer for 25 minutes"), "duration_seconds"), "1500");
  EXPECT_EQ(str(parse("set a timer for twenty five minutes"), "duration_seconds"), "1500");
  for (const char* text : {"set the volume to 40", "set the volume to forty"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "volume") << text;
    ASSERT_TRUE(r.slots.contains("level")) << text;
    EXPECT_EQ(r.slots.at("level").value, SlotValue(Number{40.0})) << text;
  }
}

TEST_F(Tolerance, PunctuationAndCasing) {
  auto a = parse("WHAT'S THE WEATHER IN BERLIN???");
  auto b = parse("what's the weather in berlin");
  EXPECT_EQ(a.intent, "weather");
  EXPECT_EQ(b.intent, "weather");
  EXPECT_EQ(str(a, "location"), "BERLIN");  // as said
  EXPECT_EQ(str(b, "location"), "berlin");
  EXPECT_EQ(parse("Set... a timer, for ten minutes!").intent, "timer");
}

TEST_F(Tolerance, FreeTextSlotsTakeExactlyTheirWords) {
  auto r = parse("um remind me to call the dentist tomorrow at 9 please");
  EXPECT_EQ(r.intent, "reminder");
  EXPECT_EQ(str(r, "text"), "call the dentist");
  EXPECT_EQ(str(r, "datetime"), "2026-11-26T09:00");
  r = parse("send a message to Anna saying I'll be late");
  EXPECT_EQ(r.intent, "message");
  EXPECT_EQ(str(r, "target"), "Anna");
  EXPECT_EQ(str(r, "body"), "I'll be late");
  r = parse("could you add oat milk to my shopping list");
  EXPECT_EQ(r.intent, "list_add");
  EXPECT_EQ(str(r, "item"), "oat milk");
}

// A request that offers two actions gives neither with a contact made of the other's words.
TEST_F(Tolerance, AConjunctionNeverStartsAContactsName) {
  for (const char* text : {"ring or text anna", "phone or message bob", "call and text my sister"}) {
    auto r = parse(text);
    if (r.intent == "call" || r.intent == "message") {
      const std::string target = str(r, "target");
      EXPECT_NE(target.substr(0, 3), "or ") << text;
      EXPECT_NE(target.substr(0, 4), "and ") << text;
    }
  }
}

TEST_F(Tolerance, ClosedListsTakeSynonyms) {
  auto r = parse("get me directions to the museum on foot");
  EXPECT_EQ(r.intent, "navigation");
  EXPECT_EQ(str(r, "mode"), "walking");
  EXPECT_EQ(str(r, "destination"), "the museum");
  r = parse("switch on the torch");
  EXPECT_EQ(str(r, "setting"), "flashlight");
  EXPECT_EQ(str(r, "state"), "on");
}

TEST_F(Tolerance, DatesFollowTheSessionTimeZone) {
  // 20:00 UTC on Wednesday is already Thursday morning in Auckland.
  ctx_.now = utc(2026, 11, 25, 20, 0);
  ctx_.timezone = "Pacific/Auckland";
  auto r = parse("uh what's the weather tomorrow");
  EXPECT_EQ(r.intent, "weather");
  EXPECT_EQ(str(r, "date"), "2026-11-27");
  ctx_.timezone = "UTC";
  EXPECT_EQ(str(parse("uh what's the weather tomorrow"), "date"), "2026-11-26");
}

TEST_F(Tolerance, ConfirmationSkillsOnlyWhenClearlyAsked) {
  EXPECT_NE(parse("please call me Sam from now on").intent, "call");
  EXPECT_NE(parse("how do i text my bank").intent, "message");
  EXPECT_NE(parse("where is the closest place to share a ride").intent, "share_location");
  EXPECT_EQ(parse("could you call my sister for me").intent, "call");
  EXPECT_EQ(parse("share my location with Dan").intent, "share_location");
}

TEST_F(Tolerance, UncoveredRequestsFallBackWithoutConfidence) {
  for (const char* text : {"what's my credit score", "how do i renew my passport",
                           "which stocks went up today", "book me a table for two at an italian place"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_EQ(r.confidence, 0.0) << text;
  }
}

}  // namespace
}  // namespace hark::nlu
