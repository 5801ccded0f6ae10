// Follow-ups that use the conversation's memory, and the ask-back, with the real parser,
// the built-in skills and a SQLite file. The sentences are our own.
#include "dialog/conversation.h"
#include "server/wire.h"
#include "dialog/followup.h"
#include "dialog/turn.h"

#include "fixture.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

namespace json = boost::json;
using testing::World;

class FollowupTest : public ::testing::Test {
 protected:
  FollowupTest() : convo_(*world_.engine, world_.user_id) {}

  Reply say(const std::string& text) { return say_to(convo_, text); }
  Reply say_to(Conversation& c, const std::string& text) {
    auto r = c.on_utterance(text, "turn_" + std::to_string(++turns_));
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().detail);
    return r ? *r : Reply{"", "", "<no message>", std::nullopt, "<no intent>", false, std::nullopt};
  }
  template <class R>  // a Reply, or the internal Answer
  static std::string param(const R& r, const char* name) {
    if (!r.action) return "<no action>";
    const json::object action = server::action_json(*r.action);
    const auto& p = action.at("params").as_object();
    auto it = p.find(name);
    if (it == p.end()) return "<absent>";
    return it->value().is_string() ? std::string(it->value().as_string()) : json::serialize(it->value());
  }
  static std::string name(const Reply& r) {
    return r.action ? r.action->name : "<no action>";
  }
  // The id of the action a reply's action replaces, "<none>" when it replaces none.
  static std::string replaced(const Reply& r) {
    if (!r.action) return "<no action>";
    const json::object action = server::action_json(*r.action);
    auto it = action.find("replaces");
    return it == action.end() ? "<none>" : std::string(it->value().as_string());
  }
  static bool needs_confirmation(const Reply& r) { return r.action && r.action->needs_confirmation; }
  void contacts(std::vector<store::Contact> list) { ASSERT_TRUE(world_.store->put_contacts(world_.user_id, list)); }

  World world_;
  Conversation convo_;
  int turns_ = 0;
};

TEST_F(FollowupTest, AndAddsAnotherItemToTheSameList) {
  auto first = say("put oat milk on my shopping list");
  ASSERT_EQ(first.intent, "list_add") << first.message;
  auto second = say("and bananas");
  EXPECT_EQ(second.intent, "list_add") << second.message;
  auto items = world_.store->list_items(world_.user_id, "shopping").value();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1], "bananas");
}

TEST_F(FollowupTest, HerIsTheContactOfTheLastRequest) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}, {"Bob", {"+15550002222"}, {}}});
  auto text = say("text Anna that the train is delayed");
  ASSERT_EQ(name(text), "message") << text.message;
  EXPECT_EQ(param(text, "target"), "Anna Smith");
  auto call = say("call her");
  EXPECT_EQ(name(call), "call") << call.message;
  EXPECT_EQ(param(call, "target"), "Anna Smith");
  EXPECT_EQ(param(call, "number"), "+15550001111");
  // Memory does not skip the safety rule: the call still waits for a yes.
  EXPECT_TRUE(needs_confirmation(call));
  EXPECT_TRUE(call.expects_reply);
}

TEST_F(FollowupTest, APronounWithNothingBeforeItIsAskedAbout) {
  auto call = say("call her");
  EXPECT_FALSE(call.action) << call.message;
  EXPECT_TRUE(call.expects_reply);
  EXPECT_EQ(call.message, "Who should I call?");
}

TEST_F(FollowupTest, PronounsNeverComeFromAnotherUser) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}});
  ASSERT_EQ(name(say("text Anna that I will bring cake")), "message");
  auto other = world_.store->create_user("bo@example.com", "Bo", "hash", world_.clock.unix_now()).value().id;
  Conversation theirs(*world_.engine, other);
  auto call = say_to(theirs, "call her");
  EXPECT_FALSE(call.action) << call.message;
  EXPECT_EQ(call.message.find("Anna"), std::string::npos) << call.message;
}

TEST_F(FollowupTest, MakeItChangesTheAlarmTime) {
  auto set = say("set an alarm for 6");
  ASSERT_EQ(name(set), "alarm") << set.message;
  EXPECT_EQ(param(set, "time"), "06:00");
  auto changed = say("make it 6:45");
  EXPECT_EQ(name(changed), "alarm") << changed.message;
  EXPECT_EQ(param(changed, "time"), "06:45");
}

// The alarm analogue: the alarm just set is moved, not joined by a second one.
TEST_F(FollowupTest, MakeItMovesTheAlarmInsteadOfSettingASecond) {
  auto set = say("set an alarm for 7");
  ASSERT_EQ(name(set), "alarm") << set.message;
  EXPECT_EQ(replaced(set), "<none>");
  auto moved = say("make it 7:30");
  EXPECT_EQ(name(moved), "alarm") << moved.message;
  EXPECT_EQ(param(moved, "time"), "07:30");
  EXPECT_EQ(replaced(moved), set.action->id);
  EXPECT_EQ(moved.message, "OK, I moved the alarm to 7:30 AM.");
  auto again = say("actually 8");
  EXPECT_EQ(param(again, "time"), "08:00") << again.message;
  EXPECT_EQ(replaced(again), moved.action->id);
}

// "and 8" asks for one more alarm, and a request said in full is a new one: neither
// replaces the alarm before it.
TEST_F(FollowupTest, AnotherAlarmReplacesNothing) {
  ASSERT_EQ(name(say("set an alarm for 7")), "alarm");
  auto more = say("and 8");
  EXPECT_EQ(name(more), "alarm") << more.message;
  EXPECT_EQ(param(more, "time"), "08:00");
  EXPECT_EQ(replaced(more), "<none>");
  EXPECT_EQ(more.message, "Alarm set for 8 AM.");
  auto fresh = say("set an alarm for 9");
  EXPECT_EQ(replaced(fresh), "<none>") << fresh.message;
}

// The change said as a whole request of the same skill changes the same reminder.
TEST_F(FollowupTest, ChangeMyReminderChangesTheOneJustSet) {
  auto set = say("remind me to call the bank at 5 pm");
  ASSERT_EQ(name(set), "reminder") << set.message;
  auto changed = say("change my reminder to 6 pm");
  EXPECT_EQ(name(changed), "reminder") << changed.message;
  EXPECT_EQ(param(changed, "text"), "call the bank");
  EXPECT_EQ(replaced(changed), set.action->id);
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].datetime, "2026-11-25T18:00");
}

TEST_F(FollowupTest, MoveMyAlarmMovesTheOneJustSet) {
  auto set = say("set an alarm for 7");
  ASSERT_EQ(name(set), "alarm") << set.message;
  auto moved = say("move my alarm to 7:30");
  EXPECT_EQ(param(moved, "time"), "07:30") << moved.message;
  EXPECT_EQ(replaced(moved), set.action->id);
}

TEST_F(FollowupTest, MakeItChangesTheTimer) {
  auto set = say("set a timer for 5 minutes");
  ASSERT_EQ(name(set), "timer") << set.message;
  auto changed = say("make it 10 minutes");
  EXPECT_EQ(param(changed, "duration_seconds"), "600") << changed.message;
  EXPECT_EQ(replaced(changed), set.action->id);
  EXPECT_EQ(changed.message, "OK, I changed the timer to 10 minutes.");
}

TEST_F(FollowupTest, AndTomorrowKeepsThePlace) {
  auto now = say("what's the weather like in Lisbon");
  ASSERT_EQ(name(now), "weather") << now.message;
  EXPECT_EQ(param(now, "location"), "Lisbon");
  auto later = say("and tomorrow?");
  EXPECT_EQ(name(later), "weather") << later.message;
  EXPECT_EQ(param(later, "location"), "Lisbon");
  EXPECT_EQ(param(later, "date"), "2026-11-26");  // the fixture's clock is 2026-11-25
}

TEST_F(FollowupTest, WhatAboutChangesThePlace) {
  ASSERT_EQ(name(say("what's the weather like in Lisbon")), "weather");
  auto there = say("what about Porto?");
  EXPECT_EQ(name(there), "weather") << there.message;
  EXPECT_EQ(param(there, "location"), "Porto");
}

TEST_F(FollowupTest, AtGivesTheReminderItsTime) {
  auto asked = say("remind me to water the plants");
  EXPECT_TRUE(asked.expects_reply) << asked.message;
  auto set = say("at 6 pm");
  EXPECT_EQ(name(set), "reminder") << set.message;
  EXPECT_EQ(param(set, "text"), "water the plants");
  EXPECT_EQ(param(set, "datetime"), "2026-11-25T18:00");
}

// Issue 13: the time said after a reminder's text completes that one reminder.
TEST_F(FollowupTest, RemindThenAtStoresOneReminder) {
  auto asked = say("remind me to call the bank");
  ASSERT_TRUE(asked.expects_reply) << asked.message;
  auto set = say("at 5 pm");
  EXPECT_EQ(name(set), "reminder") << set.message;
  EXPECT_EQ(param(set, "text"), "call the bank");
  EXPECT_EQ(param(set, "datetime"), "2026-11-25T17:00");
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text, "call the bank");
  EXPECT_EQ(stored[0].datetime, "2026-11-25T17:00");
}

// Issue 13: a change to the reminder just set changes it; the user never has two.
TEST_F(FollowupTest, MakeItChangesTheReminderInsteadOfAddingOne) {
  auto set = say("remind me to call the bank at 5 pm");
  ASSERT_EQ(name(set), "reminder") << set.message;
  ASSERT_EQ(world_.store->reminders(world_.user_id).value().size(), 1u);
  auto changed = say("make it 6 pm");
  EXPECT_EQ(name(changed), "reminder") << changed.message;
  EXPECT_EQ(param(changed, "text"), "call the bank");
  EXPECT_EQ(param(changed, "datetime"), "2026-11-25T18:00");
  // The app is told which action this one changes, and the answer says it changed.
  EXPECT_EQ(replaced(changed), set.action->id);
  EXPECT_EQ(changed.message, "OK, I changed the reminder to today at 6 PM.");
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text, "call the bank");
  EXPECT_EQ(stored[0].datetime, "2026-11-25T18:00");
}

// A second change changes the same reminder again, and names the action it replaces now.
TEST_F(FollowupTest, ASecondChangeChangesTheSameReminder) {
  ASSERT_EQ(name(say("remind me to call the bank at 5 pm")), "reminder");
  auto first = say("make it 6 pm");
  ASSERT_EQ(name(first), "reminder") << first.message;
  auto second = say("change it to 7 pm");
  EXPECT_EQ(name(second), "reminder") << second.message;
  EXPECT_EQ(replaced(second), first.action->id);
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].datetime, "2026-11-25T19:00");
}

// The reminder completed by its question ("remind me to ..." then "at 5 pm") is the one a
// change changes.
TEST_F(FollowupTest, AReminderGivenItsTimeIsTheOneAChangeChanges) {
  ASSERT_TRUE(say("remind me to call the bank").expects_reply);
  auto set = say("at 5 pm");
  ASSERT_EQ(name(set), "reminder") << set.message;
  auto changed = say("make it 6 pm");
  EXPECT_EQ(replaced(changed), set.action->id) << changed.message;
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text, "call the bank");
  EXPECT_EQ(stored[0].datetime, "2026-11-25T18:00");
}

// Another user's "make it 6 pm" has no reminder of this user to change.
TEST_F(FollowupTest, AChangeNeverReachesAnotherUsersReminder) {
  ASSERT_EQ(name(say("remind me to call the bank at 5 pm")), "reminder");
  auto other = world_.store->create_user("bo@example.com", "Bo", "hash", world_.clock.unix_now()).value().id;
  Conversation theirs(*world_.engine, other);
  auto r = say_to(theirs, "make it 6 pm");
  EXPECT_NE(name(r), "reminder") << r.message;
  EXPECT_TRUE(world_.store->reminders(other).value().empty());
  auto mine = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].datetime, "2026-11-25T17:00");
}

TEST_F(FollowupTest, ActuallyAtChangesTheReminderInsteadOfAddingOne) {
  ASSERT_EQ(name(say("remind me to call the bank at 5 pm")), "reminder");
  auto changed = say("actually at 6");
  EXPECT_EQ(name(changed), "reminder") << changed.message;
  EXPECT_EQ(param(changed, "datetime"), "2026-11-25T18:00");
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].datetime, "2026-11-25T18:00");
}

TEST_F(FollowupTest, TheOtherOnePicksTheOtherAnna) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}, {"Anna Jones", {"+15550003333"}, {}}});
  auto first = say("call Anna");
  ASSERT_EQ(name(first), "call") << first.message;
  EXPECT_EQ(param(first, "target"), "Anna Smith");
  auto other = say("no, the other one");
  EXPECT_EQ(name(other), "call") << other.message;
  EXPECT_EQ(param(other, "target"), "Anna Jones");
  EXPECT_EQ(param(other, "number"), "+15550003333");
  EXPECT_TRUE(needs_confirmation(other));
  // The pending action is the new one: "yes" confirms Anna Jones.
  auto yes = say("yes");
  EXPECT_EQ(param(yes, "target"), "Anna Jones");
  EXPECT_FALSE(needs_confirmation(yes));
}

TEST_F(FollowupTest, TheOtherOneBetweenSimilarNames) {
  contacts({{"Anna", {"+15550001111"}, {}}, {"Hannah", {"+15550004444"}, {}}});
  auto first = say("text Anna that I'm outside");
  ASSERT_EQ(param(first, "target"), "Anna") << first.message;
  auto other = say("no, the other one");
  EXPECT_EQ(name(other), "message") << other.message;
  EXPECT_EQ(param(other, "target"), "Hannah");
  EXPECT_EQ(param(other, "body"), param(first, "body"));
  EXPECT_TRUE(needs_confirmation(other));
}

TEST_F(FollowupTest, TheOtherOneWithOneCandidateIsNotAFollowUp) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}});
  ASSERT_EQ(name(say("call Anna")), "call");
  auto other = say("no, the other one");
  EXPECT_FALSE(other.action) << other.message;
}

// Memory does not make an action of words that ask for none.
TEST_F(FollowupTest, UnrelatedWordsAfterARequestStayUnrelated) {
  ASSERT_EQ(name(say("set an alarm for 6")), "alarm");
  for (const char* words : {"my cat likes the sofa", "bananas", "and what do you think of poems"}) {
    auto r = say(words);
    EXPECT_FALSE(r.action) << words << " -> " << r.message;
  }
  ASSERT_EQ(say("put oat milk on my shopping list").intent, "list_add");
  auto r = say("my cat likes the sofa");
  EXPECT_NE(r.intent, "list_add") << r.message;
  EXPECT_EQ(world_.store->list_items(world_.user_id, "shopping").value().size(), 1u);
}

TEST_F(FollowupTest, ANewRequestIsNotAFragment) {
  ASSERT_EQ(name(say("set an alarm for 6")), "alarm");
  auto r = say("what's the weather in Oslo");
  EXPECT_EQ(name(r), "weather") << r.message;
}

// The ask-back through the turn itself, with a parse that names two skills.
class AskBackTest : public FollowupTest {
 protected:
  Result<internal::Answer> turn(const std::string& text, nlu::ParseResult p) {
    internal::Deps deps{world_.registry, *world_.parser, *world_.store, world_.clock, world_.random};
    auto loaded = internal::load(deps, world_.user_id, "UTC").value();
    return internal::decide(deps, Options{}, state_, world_.user_id, "UTC", loaded, text, p);
  }
  Result<internal::Answer> turn(const std::string& text) {
    internal::Deps deps{world_.registry, *world_.parser, *world_.store, world_.clock, world_.random};
    auto loaded = internal::load(deps, world_.user_id, "UTC").value();
    return turn(text, world_.parser->parse(text, loaded.context));
  }
  static nlu::ParseResult between(std::vector<std::string> choices, std::string target) {
    nlu::ParseResult p;
    p.choices = std::move(choices);
    if (!target.empty()) p.slots["target"] = nlu::Slot{nlu::Text{target}, target};
    return p;
  }
  internal::DialogState state_;
};

TEST_F(AskBackTest, TheQuestionComesFromTheSkills) {
  auto q = turn("ring up or write to someone", between({"call", "message"}, ""));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->message, "Do you want to place a phone call, or send a text message?");
  EXPECT_TRUE(q->expects_reply);
  EXPECT_FALSE(q->action);
  auto one = turn("weather or a timer", between({"weather", "timer"}, ""));
  EXPECT_EQ(one->message, "Do you want the weather forecast, or to start a countdown timer?");
}

// The question names what the parse found, in each skill's own offer.
TEST_F(AskBackTest, TheQuestionNamesTheContact) {
  auto q = turn("ring up or write to Anna", between({"call", "message"}, "Anna"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->message, "Do you want to call Anna, or send Anna a message?");
  EXPECT_TRUE(q->expects_reply);
  EXPECT_FALSE(q->action);
  // The other order and another pair: each skill says itself.
  state_ = {};
  auto other = turn("Anna, text or the location", between({"message", "share_location"}, "Anna"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->message, "Do you want to send Anna a message, or share your location with Anna?");
}

TEST_F(AskBackTest, TheNameIsTheStoredContact) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}});
  auto q = turn("ring up or write to anna", between({"call", "message"}, "anna"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->message, "Do you want to call Anna Smith, or send Anna Smith a message?");
  auto a = turn("call");
  ASSERT_TRUE(a && a->action) << (a ? a->message : "");
  EXPECT_EQ(param(*a, "target"), "Anna Smith");
}

TEST_F(AskBackTest, APronounIsNamedOnlyWhenTheConversationHasOne) {
  auto unknown = turn("ring or write her", between({"call", "message"}, "her"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->message, "Do you want to place a phone call, or send a text message?");
  state_ = {};
  contacts({{"Bob Jones", {"+15550002222"}, {}}});
  ASSERT_TRUE(turn("share my location with Bob Jones"));
  state_.pending.reset();
  auto known = turn("ring or write him", between({"call", "message"}, "him"));
  ASSERT_TRUE(known);
  EXPECT_EQ(known->message, "Do you want to call Bob Jones, or send Bob Jones a message?");
}

// A skill without an offer, or whose offer needs a value not found, is offered by its
// description; a value is offered to a skill only through a slot of the same type.
TEST_F(AskBackTest, WithoutItsValuesASkillIsDescribed) {
  nlu::ParseResult p;
  p.choices = {"timer", "unit_conversion"};
  p.slots["duration_seconds"] = nlu::Slot{nlu::Duration{600}, "ten minutes"};
  auto q = turn("ten minutes heads up", p);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->message, "Do you want to start a timer for 10 minutes, or convert an amount between units?");
  auto one = turn("maybe phone", between({"call"}, ""));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->message, "Do you want to place a phone call?");
}

TEST_F(AskBackTest, TheAnswerNamesTheSkill) {
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto a = turn("call");
  ASSERT_TRUE(a && a->action) << (a ? a->message : "");
  EXPECT_EQ(a->action->name, "call");
  EXPECT_EQ(param(*a, "target"), "Anna");
  EXPECT_TRUE(a->action->needs_confirmation);  // still asks before calling
}

TEST_F(AskBackTest, MessageHerMeansTheContactAskedAbout) {
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto a = turn("message her");
  ASSERT_TRUE(a);
  // The message has no body yet: the question for it, with Anna kept.
  EXPECT_EQ(a->message, "What should the message say?");
  auto body = turn("see you at noon");
  ASSERT_TRUE(body && body->action) << (body ? body->message : "");
  EXPECT_EQ(param(*body, "target"), "Anna");
}

TEST_F(AskBackTest, OrdinalsPick) {
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto first = turn("the first one");
  ASSERT_TRUE(first && first->action);
  EXPECT_EQ(first->action->name, "call");
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto second = turn("the second");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->intent, "message");
}

TEST_F(AskBackTest, NoDeclinesAndOtherWordsMoveOn) {
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto no = turn("no");
  ASSERT_TRUE(no);
  EXPECT_FALSE(no->action);
  EXPECT_FALSE(state_.choice);
  ASSERT_TRUE(turn("ring up or write to Anna", between({"call", "message"}, "Anna")));
  auto other = turn("what time is it");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->intent, "time");
  EXPECT_FALSE(other->action);
  EXPECT_FALSE(state_.choice);
}

TEST_F(AskBackTest, OneChoiceIsAYesOrNoQuestion) {
  auto q = turn("maybe phone Anna", between({"call"}, "Anna"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->message, "Do you want to call Anna?");
  EXPECT_TRUE(q->expects_reply);
  auto yes = turn("yes");
  ASSERT_TRUE(yes && yes->action) << (yes ? yes->message : "");
  EXPECT_EQ(yes->action->name, "call");
  EXPECT_TRUE(yes->action->needs_confirmation);
}

}  // namespace
}  // namespace hark::dialog

namespace hark::dialog {
namespace {

// The whole path: the parser asks back, the conversation asks, the answer resolves it.
TEST_F(FollowupTest, TheParsersAskBackIsAskedAndAnswered) {
  auto q = say("heads up in twenty minutes");
  EXPECT_FALSE(q.action);
  EXPECT_TRUE(q.expects_reply);
  EXPECT_EQ(q.message, "Do you want to start a timer for 20 minutes, or convert an amount between units?");
  auto timer = say("the timer");
  EXPECT_EQ(name(timer), "timer") << timer.message;
  EXPECT_EQ(param(timer, "duration_seconds"), "1200");
}

TEST_F(FollowupTest, AProbableCallIsAskedThenStillConfirmed) {
  contacts({{"Anna Smith", {"+15550001111"}, {}}});
  auto q = say("dial");
  EXPECT_FALSE(q.action);
  EXPECT_EQ(q.message, "Do you want to place a phone call?");
  auto who = say("yes");
  EXPECT_EQ(who.message, "Who should I call?");
  auto call = say("Anna");
  EXPECT_EQ(param(call, "target"), "Anna Smith") << call.message;
  EXPECT_TRUE(needs_confirmation(call));
}

}  // namespace
}  // namespace hark::dialog

namespace hark::dialog {
namespace {

// A name spelt like a contact's is not that contact: "Dan" is not called as "Dad".
TEST_F(FollowupTest, ASimilarNameIsOnlyEverTheOtherOne) {
  contacts({{"Dad", {"+15550005555"}, {}}});
  auto call = say("call Dan");
  EXPECT_EQ(param(call, "target"), "Dan") << call.message;
  EXPECT_EQ(param(call, "number"), "<absent>");
  auto other = say("no, the other one");
  EXPECT_EQ(param(other, "target"), "Dad") << other.message;
  EXPECT_TRUE(needs_confirmation(other));
}

}  // namespace
}  // namespace hark::dialog

namespace hark::dialog {
namespace {

TEST_F(FollowupTest, NamesBeyondAsciiWorkTheSame) {
  contacts({{"Zoë Martin", {"+15550006666"}, {}}, {"Zoë Park", {"+15550007777"}, {}}});
  auto first = say("call Zoë");
  EXPECT_EQ(param(first, "target"), "Zoë Martin") << first.message;
  auto other = say("no, the other one");
  EXPECT_EQ(param(other, "target"), "Zoë Park") << other.message;
}

}  // namespace
}  // namespace hark::dialog
