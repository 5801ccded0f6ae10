#include "nlu/parser.h"

#include "builtin_parser.h"
#include "time_points.h"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

using testing::utc;

class BuiltinParser : public testing::BuiltinParserTest {};

TEST_F(BuiltinParser, GuideExampleCallMom) {
  auto r = parse("Call Mom");
  EXPECT_EQ(r.intent, "call");
  EXPECT_EQ(str(r, "target"), "Mom");
  EXPECT_EQ(r.slots.at("target").raw, "Mom");
  EXPECT_GT(r.confidence, 0.5);
  EXPECT_LE(r.confidence, 1.0);
}

TEST_F(BuiltinParser, ContactsResolveByNameOrAlias) {
  ctx_.contacts = {{"Mom", {"mother", "mum"}}, {"Joe Smith", {}}};
  EXPECT_EQ(str(parse("please call my mother"), "target"), "Mom");
  EXPECT_EQ(str(parse("call mother"), "target"), "Mom");
  EXPECT_EQ(str(parse("CALL MUM"), "target"), "Mom");
  EXPECT_EQ(str(parse("give joe smith a ring"), "target"), "Joe Smith");
  EXPECT_EQ(str(parse("call Alice"), "target"), "Alice");  // unknown: as typed
}

TEST_F(BuiltinParser, ActionsWithTypedSlots) {
  auto r = parse("What's the weather like in Paris tomorrow?");
  EXPECT_EQ(r.intent, "weather");
  EXPECT_EQ(str(r, "location"), "Paris");
  EXPECT_EQ(str(r, "date"), "2026-11-26");

  r = parse("set a timer for ten minutes");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(r.slots.at("duration_seconds").value, SlotValue(Duration{600}));

  r = parse("wake me up at 7:30 am tomorrow");
  EXPECT_EQ(r.intent, "alarm");
  EXPECT_EQ(str(r, "time"), "07:30");
  EXPECT_EQ(str(r, "date"), "2026-11-26");

  r = parse("remind me to buy milk tomorrow at 9");
  EXPECT_EQ(r.intent, "reminder");
  EXPECT_EQ(str(r, "text"), "buy milk");
  EXPECT_EQ(str(r, "datetime"), "2026-11-26T09:00");

  r = parse("put dentist on my calendar for friday at 3 pm for 45 minutes");
  EXPECT_EQ(r.intent, "calendar_add");
  EXPECT_EQ(str(r, "title"), "dentist");
  EXPECT_EQ(str(r, "datetime"), "2026-11-27T15:00");
  EXPECT_EQ(r.slots.at("duration_minutes").value, SlotValue(Duration{45, true}));

  r = parse("what's on my calendar next friday");
  EXPECT_EQ(r.intent, "calendar_query");
  EXPECT_EQ(str(r, "date"), "2026-11-27");
}

TEST_F(BuiltinParser, ClosedListsMapSynonyms) {
  auto r = parse("turn on the flashlight");
  EXPECT_EQ(r.intent, "device_setting");
  EXPECT_EQ(str(r, "setting"), "flashlight");
  EXPECT_EQ(str(r, "state"), "on");

  r = parse("add eggs to my grocery list");
  EXPECT_EQ(r.intent, "list_add");
  EXPECT_EQ(str(r, "item"), "eggs");
  EXPECT_EQ(str(r, "list"), "shopping");

  r = parse("navigate to the airport by car");
  EXPECT_EQ(r.intent, "navigation");
  EXPECT_EQ(str(r, "destination"), "the airport");
  EXPECT_EQ(str(r, "mode"), "driving");

  r = parse("how many ounces are in a pound");
  EXPECT_EQ(r.intent, "unit_conversion");
  EXPECT_EQ(str(r, "to_unit"), "ounce");
  EXPECT_EQ(str(r, "from_unit"), "pound");
}

TEST_F(BuiltinParser, TextSlotsKeepTheirCasing) {
  auto r = parse("Text Alex that I'm running LATE");
  EXPECT_EQ(r.intent, "message");
  EXPECT_EQ(str(r, "target"), "Alex");
  EXPECT_EQ(str(r, "body"), "I'm running LATE");
}

TEST_F(BuiltinParser, RepeatedSlotSpansTheWholeExpression) {
  auto r = parse("what is 5 plus 3 times 2");
  EXPECT_EQ(r.intent, "calculator");
  EXPECT_EQ(str(r, "expression"), "5 plus 3 times 2");
}

TEST_F(BuiltinParser, DialogueWords) {
  EXPECT_EQ(parse("yes").intent, "confirm");
  EXPECT_EQ(parse("Go ahead.").intent, "confirm");
  EXPECT_EQ(parse("no").intent, "deny");
  EXPECT_EQ(parse("never mind").intent, "cancel");
  EXPECT_EQ(parse("stop").intent, "cancel");
  EXPECT_EQ(parse("thanks").intent, "thanks");
  EXPECT_EQ(parse("hi there").intent, "greeting");
}

TEST_F(BuiltinParser, NothingMatchingIsFallback) {
  for (const char* text : {"what is my credit score", "blue elephants dance quietly", "", "?!",
                           "how do i open a bank account"}) {
    auto r = parse(text);
    EXPECT_EQ(r.intent, "fallback") << text;
    EXPECT_TRUE(r.slots.empty()) << text;
    EXPECT_EQ(r.confidence, 0.0) << text;
  }
}

TEST_F(BuiltinParser, WordsThatAreNoContactNeverCauseACall) {
  EXPECT_EQ(parse("please call me Tom").intent, "fallback");
  EXPECT_EQ(parse("call an uber for me").intent, "fallback");
  EXPECT_EQ(parse("let my bank know that I am travelling").intent, "fallback");
}

TEST_F(BuiltinParser, FillerWordsAnywhereAreIgnored) {
  auto r = parse("set a timer for just five minutes please");
  EXPECT_EQ(r.intent, "timer");
  EXPECT_EQ(r.slots.at("duration_seconds").value, SlotValue(Duration{300}));
  EXPECT_EQ(parse("Please, call Mom").intent, "call");
}

TEST_F(BuiltinParser, StrayWordsAreToleratedOnlyWithoutAnAction) {
  // One extra word: fine for a coin flip (no action)...
  EXPECT_EQ(parse("flip a shiny coin").intent, "flip_coin");
  // ...for an action, no template matches: the statistical stage may still answer, with
  // less confidence than an exact match...
  auto exact = parse("find my phone");
  auto stray = parse("find my shiny phone");
  EXPECT_EQ(exact.intent, "find_phone");
  if (stray.intent != "fallback") EXPECT_LT(stray.confidence, exact.confidence);
  // ...but never a confirmed action with words it cannot explain.
  EXPECT_EQ(parse("call mom about the shiny thing").intent, "fallback");
}

TEST_F(BuiltinParser, ParseSlotReadsOneAnswer) {
  const auto& message = *registry_->find("message");
  auto s = parser_->parse_slot(*message.find_slot("target"), "Joe", ctx_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, SlotValue(Text{"Joe"}));

  const auto& reminder = *registry_->find("reminder");
  s = parser_->parse_slot(*reminder.find_slot("datetime"), "tomorrow at 5", ctx_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, SlotValue(DateTime{"2026-11-26T17:00"}));
  EXPECT_EQ(s->raw, "tomorrow at 5");
  EXPECT_FALSE(parser_->parse_slot(*reminder.find_slot("datetime"), "whenever you like", ctx_));

  const auto& nav = *registry_->find("navigation");
  s = parser_->parse_slot(*nav.find_slot("mode"), "by car please", ctx_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, SlotValue(Text{"driving"}));
  EXPECT_FALSE(parser_->parse_slot(*nav.find_slot("mode"), "by rocket", ctx_));

  const auto& timer = *registry_->find("timer");
  s = parser_->parse_slot(*timer.find_slot("duration_seconds"), "an hour and a half", ctx_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, SlotValue(Duration{5400}));
}

// A registry of made-up skills, to test the matcher's choices in isolation.
TEST(Matcher, MoreLiteralWordsWin) {
  skills::Registry reg;
  reg.add(skills::parse_skill(R"y(name: anything
slots: {what: {type: text}}
sentences: ["order {what}"]
)y",
                              "a.yaml"));
  reg.add(skills::parse_skill(R"y(name: coffee
slots:
  size: {values: [small, {in: [large, big], out: large}]}
sentences: ["order a {size} coffee"]
)y",
                              "b.yaml"));
  Parser p(reg);
  Context ctx;
  auto r = p.parse("Order a big coffee", ctx);
  EXPECT_EQ(r.intent, "coffee");
  EXPECT_EQ(r.slots.at("size").value, SlotValue(Text{"large"}));
  EXPECT_EQ(r.confidence, 1.0);
  r = p.parse("order a pizza", ctx);
  EXPECT_EQ(r.intent, "anything");
  EXPECT_EQ(r.slots.at("what").value, SlotValue(Text{"a pizza"}));
  EXPECT_LT(r.confidence, 1.0);
  EXPECT_EQ(p.parse("order", ctx).intent, "fallback");  // a text slot is never empty
}

TEST(Matcher, ATemplateThatDoesNotCompileNamesItsFile) {
  skills::Registry reg;
  skills::Skill s;
  s.name = "broken";
  s.source = "broken.yaml";
  s.sentences = {"(never closed"};
  reg.add(s);
  try {
    Parser p(reg);
    FAIL() << "no LoadError";
  } catch (const skills::LoadError& e) {
    EXPECT_EQ(e.file(), "broken.yaml");
  }
}

}  // namespace
}  // namespace hark::nlu

namespace hark::nlu {
namespace {

// A user skill whose slot names are camelCase (they are the app's action params).
TEST(UserSkillParser, CamelCaseSlotNamesComeBackAsWritten) {
  skills::Registry registry;
  registry.load_builtin();
  registry.add(skills::parse_skill(R"y(name: order_drink
action: order_drink
slots:
  coffeeDrink:
    values: [latte, {in: [flat white, flatwhite], out: flat white}]
  numberOfShots:
    required: false
    values: [{in: [two shots, double], out: double shot}]
sentences:
  - "(i would like | can i get) a {coffeeDrink} [with {numberOfShots}]"
)y",
                                   "drink.yaml"));
  Parser parser(registry);
  Context ctx;
  auto r = parser.parse("Can I get a flat white with two shots", ctx);
  EXPECT_EQ(r.intent, "order_drink");
  ASSERT_TRUE(r.slots.count("coffeeDrink"));
  ASSERT_TRUE(r.slots.count("numberOfShots"));
  EXPECT_EQ(r.slots.at("coffeeDrink").value, SlotValue(Text{"flat white"}));
  EXPECT_EQ(r.slots.at("numberOfShots").value, SlotValue(Text{"double shot"}));
}

}  // namespace
}  // namespace hark::nlu
