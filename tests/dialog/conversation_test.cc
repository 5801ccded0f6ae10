// The engine end to end below the server: the built-in skills, the real parser, a SQLite
// file and a manual clock. The sentences are our own; each is one the built-in skill
// files are meant to cover.
#include "dialog/conversation.h"

#include "failing_store.h"
#include "fixture.h"
#include "server/wire.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

namespace json = boost::json;
using testing::World;

class ConversationTest : public ::testing::Test {
 protected:
  ConversationTest() : convo_(*world_.engine, world_.user_id) {}

  Reply say(const std::string& text) {
    auto r = convo_.on_utterance(text, "turn_" + std::to_string(++turns_));
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().detail);
    return r ? *r : Reply{"", "", "<no message>", std::nullopt, "<no intent>", false, std::nullopt};
  }

  static std::string message(const Reply& r) { return r.message; }
  static std::string intent(const Reply& r) { return r.intent; }
  // The action as the client gets it (server/wire.h).
  static std::optional<json::object> action(const Reply& r) {
    if (!r.action) return std::nullopt;
    return server::action_json(*r.action);
  }

  std::vector<store::Turn> history() { return world_.store->history(world_.user_id, 100, 0).value(); }

  World world_;
  Conversation convo_;
  int turns_ = 0;
};

TEST_F(ConversationTest, TheGuideExampleComesOutExactly) {
  auto r = say("Call Mom");
  EXPECT_EQ(r.turn_id, "turn_1");
  EXPECT_TRUE(r.id.starts_with("resp_"));
  EXPECT_EQ(message(r), "Calling Mom.");
  EXPECT_EQ(intent(r), "call");
  EXPECT_FALSE(r.transcript);
  auto a = action(r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->at("name"), "call");
  EXPECT_EQ(a->at("params"), (json::object{{"target", "Mom"}}));
  EXPECT_EQ(a->at("needs_confirmation"), true);
  std::string id(a->at("id").as_string());
  EXPECT_TRUE(id.starts_with("act_"));
  EXPECT_EQ(id.size(), 16u);

  auto yes = say("yes");
  auto b = action(yes);
  ASSERT_TRUE(b) << message(yes);
  EXPECT_EQ(b->at("id"), json::value(id));
  EXPECT_EQ(b->at("name"), "call");
  EXPECT_EQ(b->at("params"), (json::object{{"target", "Mom"}}));
  EXPECT_EQ(b->at("needs_confirmation"), false);
  EXPECT_NE(yes.id, r.id);

  // Confirmed once: a second "yes" has nothing to confirm.
  EXPECT_FALSE(action(say("yes")));
}

// A response that asks something tells the app to listen again without a wake word.
TEST_F(ConversationTest, ResponsesThatAskExpectAReply) {
  EXPECT_EQ(say("Call Mom").expects_reply, true);  // the confirmation
  EXPECT_EQ(say("yes").expects_reply, false);
  EXPECT_EQ(say("what time is it").expects_reply, false);
  EXPECT_EQ(say("send a message").expects_reply, true);  // who to?
}

TEST_F(ConversationTest, OtherWaysToSayYes) {
  for (const char* yes : {"do it", "go ahead", "yes please"}) {
    auto r = say("Call Mom");
    auto ok = say(yes);
    ASSERT_TRUE(action(ok)) << yes << ": " << message(ok);
    EXPECT_EQ(action(ok)->at("id"), action(r)->at("id")) << yes;
    EXPECT_EQ(action(ok)->at("needs_confirmation"), false) << yes;
  }
}

TEST_F(ConversationTest, NoCancelsThePendingAction) {
  ASSERT_TRUE(action(say("Call Mom")));
  auto no = say("no");
  EXPECT_EQ(message(no), "OK, cancelled.");
  EXPECT_FALSE(action(no));
  EXPECT_FALSE(action(say("yes")));
}

TEST_F(ConversationTest, ANewCommandDropsThePendingAction) {
  ASSERT_TRUE(action(say("Call Mom")));
  auto other = say("what time is it");
  EXPECT_EQ(intent(other), "time");
  EXPECT_EQ(message(other), "It's 2:05 PM.");
  EXPECT_FALSE(action(other));
  EXPECT_FALSE(action(say("yes")));
}

TEST_F(ConversationTest, ConfirmMessages) {
  auto r = say("Call Mom");
  std::string id(action(r)->at("id").as_string());
  auto wrong = convo_.on_confirm("act_notthisone0", true, "t");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::not_found);
  auto ok = convo_.on_confirm(id, true, "t2");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->turn_id, "t2");
  ASSERT_TRUE(action(*ok));
  EXPECT_EQ(action(*ok)->at("id"), json::value(id));
  EXPECT_EQ(action(*ok)->at("needs_confirmation"), false);
  auto again = convo_.on_confirm(id, true, "t3");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::not_found);

  auto r2 = say("Call Mom");
  auto cancelled = convo_.on_confirm(std::string(action(r2)->at("id").as_string()), false, "t4");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(message(*cancelled), "OK, cancelled.");
  EXPECT_FALSE(action(*cancelled));
}

TEST_F(ConversationTest, AMissingMessageBodyIsAskedFor) {
  auto q = say("send a text to Joe");
  EXPECT_EQ(message(q), "What should the message say?");
  EXPECT_EQ(intent(q), "message");
  EXPECT_FALSE(action(q));
  auto r = say("I am running late");
  auto a = action(r);
  ASSERT_TRUE(a) << message(r);
  EXPECT_EQ(a->at("name"), "message");
  EXPECT_EQ(a->at("params").at("target"), "Joe");
  std::string body(a->at("params").at("body").as_string());
  EXPECT_NE(body.find("running late"), std::string::npos) << body;
  EXPECT_EQ(a->at("needs_confirmation"), true);
}

TEST_F(ConversationTest, QuestionsFollowEachOtherAndResolveContacts) {
  ASSERT_TRUE(world_.store->put_contacts(world_.user_id, {{"Mom", {"+15551234567"}, {"mother"}}}));
  EXPECT_EQ(message(say("send a text message")), "Who should I send it to?");
  EXPECT_EQ(message(say("mother")), "What should the message say?");
  auto r = say("on my way home");
  auto a = action(r);
  ASSERT_TRUE(a) << message(r);
  EXPECT_EQ(a->at("params").at("target"), "Mom");
  EXPECT_EQ(a->at("params").at("number"), "+15551234567");
  EXPECT_EQ(a->at("params").at("body"), "on my way home");
  EXPECT_EQ(message(r), "Sending \"on my way home\" to Mom.");
}

TEST_F(ConversationTest, TheWholeRequestSaidAgainAnswersTheQuestion) {
  EXPECT_EQ(message(say("send a text to Joe")), "What should the message say?");
  auto r = say("text Joe that I am on my way");
  ASSERT_TRUE(action(r)) << message(r);
  EXPECT_EQ(action(r)->at("params").at("target"), "Joe");
  EXPECT_EQ(action(r)->at("params").at("body"), "I am on my way");
}

TEST_F(ConversationTest, CancelDropsTheQuestion) {
  EXPECT_EQ(message(say("send a text to Joe")), "What should the message say?");
  EXPECT_EQ(message(say("never mind")), "OK, cancelled.");
  auto after = say("I am running late");
  EXPECT_FALSE(action(after));
  EXPECT_NE(intent(after), "message");
}

TEST_F(ConversationTest, ANewCommandInsteadOfAnAnswer) {
  EXPECT_EQ(message(say("send a text to Joe")), "What should the message say?");
  auto r = say("set a timer for ten minutes");
  EXPECT_EQ(intent(r), "timer");
  ASSERT_TRUE(action(r));
  EXPECT_EQ(action(r)->at("params").at("duration_seconds").to_number<double>(), 600);
}

TEST_F(ConversationTest, AnUnreadableAnswerIsAskedOnceMore) {
  EXPECT_EQ(message(say("remind me to stretch")), "When should I remind you?");
  auto again = say("purple elephants");
  EXPECT_FALSE(action(again));
  EXPECT_NE(message(again).find("When should I remind you?"), std::string::npos) << message(again);
  auto r = say("in two hours");
  ASSERT_TRUE(action(r)) << message(r);
  EXPECT_EQ(action(r)->at("params").at("text"), "stretch");
  EXPECT_EQ(action(r)->at("params").at("datetime"), "2026-11-25T16:05");
}

TEST_F(ConversationTest, RepeatSaysTheLastAnswerAgain) {
  world_.random.queue = {2};
  auto joke = say("tell me a joke");
  EXPECT_EQ(intent(joke), "joke");
  auto again = say("repeat that");
  EXPECT_EQ(intent(again), "repeat");
  EXPECT_EQ(message(again), message(joke));
  EXPECT_NE(again.id, joke.id);

  auto call = say("Call Mom");
  auto call_again = say("repeat that");
  ASSERT_TRUE(action(call_again));
  EXPECT_EQ(action(call_again)->at("id"), action(call)->at("id"));
  // Repeating keeps the action pending.
  auto yes = say("yes");
  ASSERT_TRUE(action(yes));
  EXPECT_EQ(action(yes)->at("needs_confirmation"), false);
}

TEST_F(ConversationTest, ShoppingListRoundTrip) {
  EXPECT_EQ(message(say("add milk to my shopping list")), "I've added milk to your shopping list.");
  EXPECT_EQ(message(say("add eggs to my shopping list")), "I've added eggs to your shopping list.");
  auto read = say("what's on my shopping list");
  EXPECT_EQ(intent(read), "list_read");
  EXPECT_EQ(message(read), "Your shopping list has milk and eggs.");
  EXPECT_FALSE(action(read));
  EXPECT_EQ(message(say("remove milk from my shopping list")), "I've removed milk from your shopping list.");
  EXPECT_EQ(world_.store->list_items(world_.user_id, "shopping").value(), std::vector<std::string>{"eggs"});
  EXPECT_EQ(message(say("clear my shopping list")), "I've cleared your shopping list.");
  EXPECT_EQ(message(say("what's on my shopping list")), "Your shopping list is empty.");
}

TEST_F(ConversationTest, ReminderIsStoredAndReadBack) {
  auto r = say("remind me to call the dentist tomorrow at 9 am");
  auto a = action(r);
  ASSERT_TRUE(a) << message(r);
  EXPECT_EQ(a->at("name"), "reminder");
  EXPECT_EQ(a->at("params").at("datetime"), "2026-11-26T09:00");
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].datetime, "2026-11-26T09:00");
  EXPECT_NE(stored[0].text.find("dentist"), std::string::npos);
  auto list = say("what are my reminders");
  EXPECT_EQ(intent(list), "reminder_list");
  EXPECT_NE(message(list).find("dentist"), std::string::npos) << message(list);
  EXPECT_NE(message(list).find("tomorrow at 9 AM"), std::string::npos) << message(list);
}

TEST_F(ConversationTest, CalculatorAndUnits) {
  auto sum = say("what is 5 plus 3 times 2");
  EXPECT_EQ(intent(sum), "calculator");
  EXPECT_EQ(message(sum), "That's 11.");
  EXPECT_EQ(message(say("what is 10 divided by 0")), "Sorry, I can't divide by zero.");
  auto conv = say("convert 5 miles to kilometers");
  EXPECT_EQ(intent(conv), "unit_conversion");
  EXPECT_EQ(message(conv), "5 miles is 8.05 kilometers.");
  auto temp = say("convert 100 degrees celsius to fahrenheit");
  EXPECT_EQ(message(temp), "100 degrees Celsius is 212 degrees Fahrenheit.");
  auto junk = say("calculate banana split with sprinkles");
  EXPECT_FALSE(action(junk));
  EXPECT_FALSE(message(junk).empty());
}

TEST_F(ConversationTest, EveryTurnIsInTheHistory) {
  say("Call Mom");
  say("what time is it");
  auto turns = history();  // newest first
  ASSERT_EQ(turns.size(), 4u);
  EXPECT_EQ(turns[3].role, "user");
  EXPECT_EQ(turns[3].text, "Call Mom");
  EXPECT_TRUE(turns[3].action_json.empty());
  EXPECT_EQ(turns[2].role, "assistant");
  EXPECT_EQ(turns[2].text, "Calling Mom.");
  auto stored_action = json::parse(turns[2].action_json).as_object();
  EXPECT_EQ(stored_action.at("name"), "call");
  EXPECT_EQ(turns[1].role, "user");
  EXPECT_EQ(turns[0].role, "assistant");
  EXPECT_TRUE(turns[0].action_json.empty());
  EXPECT_EQ(turns[0].created_at, world_.clock.unix_now());
}

TEST_F(ConversationTest, ActionResultsAreKept) {
  auto r = say("Call Mom");
  std::string id(action(r)->at("id").as_string());
  auto bad = convo_.on_action_result(id, "exploded", "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_field);
  ASSERT_TRUE(convo_.on_action_result(id, "done", "connected"));
  auto turns = history();
  ASSERT_EQ(turns.size(), 3u);
  EXPECT_EQ(turns[0].role, "assistant");
  auto record = json::parse(turns[0].action_json).as_object();
  EXPECT_EQ(record.at("id"), json::value(id));
  EXPECT_EQ(record.at("name"), "call");
  EXPECT_EQ(record.at("status"), "done");
  EXPECT_EQ(record.at("detail"), "connected");
}

TEST_F(ConversationTest, ContactsResolveToTheStoredName) {
  ASSERT_TRUE(world_.store->put_contacts(world_.user_id, {{"Mom", {"+15551234567"}, {"mother", "mum"}},
                                                          {"Joe Bloggs", {}, {"joe"}}}));
  auto r = say("call mother");
  auto a = action(r);
  ASSERT_TRUE(a) << message(r);
  EXPECT_EQ(a->at("params").at("target"), "Mom");
  EXPECT_EQ(a->at("params").at("number"), "+15551234567");
  EXPECT_EQ(message(r), "Calling Mom.");
  auto joe = say("call Joe");
  ASSERT_TRUE(action(joe));
  EXPECT_EQ(action(joe)->at("params"), (json::object{{"target", "Joe Bloggs"}}));  // no phone stored
}

TEST_F(ConversationTest, BadTextIsRefusedAndNothingStored) {
  auto empty = convo_.on_utterance("", "t");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_field);
  auto blank = convo_.on_utterance("  \t ", "t");
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error().code, Errc::invalid_field);
  auto huge = convo_.on_utterance(std::string(world_.engine->options().max_utterance_bytes + 1, 'a'), "t");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, Errc::too_large);
  EXPECT_TRUE(history().empty());
  // Still usable.
  EXPECT_EQ(message(say("Call Mom")), "Calling Mom.");
}

TEST_F(ConversationTest, NonsenseFallsBack) {
  auto r = say("purple elephants whistle quietly underwater");
  EXPECT_EQ(intent(r), "fallback");
  EXPECT_EQ(message(r), "Sorry, I didn't understand that.");
  EXPECT_FALSE(action(r));
}

TEST_F(ConversationTest, TranscriptIsEchoedAndStored) {
  auto r = convo_.on_utterance("call mom", "t9", std::string("call mom"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->transcript, "call mom");
  EXPECT_EQ(r->turn_id, "t9");
  EXPECT_EQ(history().back().text, "call mom");
}

TEST_F(ConversationTest, TimeZoneOfTheSession) {
  auto bad = convo_.set_timezone("Nowhere/Special");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_field);
  EXPECT_EQ(convo_.timezone(), "UTC");
  ASSERT_TRUE(convo_.set_timezone("America/New_York"));
  EXPECT_EQ(message(say("what time is it")), "It's 9:05 AM.");
  EXPECT_EQ(message(say("what time is it in Tokyo")), "It's 11:05 PM in Tokyo.");
}

TEST_F(ConversationTest, ParseHasNoSideEffects) {
  auto p = world_.engine->parse(world_.user_id, "Call Mom", "UTC");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->intent, "call");
  EXPECT_EQ(p->slots.at("target").value, nlu::SlotValue(nlu::Text{"Mom"}));
  EXPECT_EQ(p->slots.at("target").raw, "Mom");
  EXPECT_GT(p->confidence, 0.0);
  auto none = world_.engine->parse(world_.user_id, "", "UTC");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::invalid_field);
  EXPECT_TRUE(history().empty());
}

}  // namespace
}  // namespace hark::dialog

namespace hark::dialog {
namespace {

// A store that fails answers Errc::unavailable, and the conversation goes on afterwards
// with its context as it was.
class StoreFailureTest : public ::testing::Test {
 protected:
  StoreFailureTest()
      : failing_(*world_.store),
        engine_(testing::World::options(), world_.registry, *world_.parser, failing_, world_.clock, world_.random),
        convo_(engine_, world_.user_id) {}

  testing::World world_;
  testing::FailingStore failing_;
  Engine engine_;
  Conversation convo_;
};

TEST_F(StoreFailureTest, HistoryWriteFailsThenRecovers) {
  auto call = convo_.on_utterance("Call Mom", "t1");
  ASSERT_TRUE(call);
  auto id = call->action.value().id;
  failing_.fail_turns = true;
  auto yes = convo_.on_utterance("yes", "t2");
  ASSERT_FALSE(yes);
  EXPECT_EQ(yes.error().code, Errc::unavailable);
  failing_.fail_turns = false;
  // The pending action survived the failed turn.
  auto retry = convo_.on_utterance("yes", "t3");
  ASSERT_TRUE(retry);
  ASSERT_TRUE(retry->action);
  EXPECT_EQ(retry->action->id, id);
  EXPECT_FALSE(retry->action->needs_confirmation);
}

// A queued utterance answers before its turns are stored; the context moves on at once, the
// ticket tells when the turns are in the history, and a failed write shows on the ticket.
TEST_F(StoreFailureTest, QueuedUtteranceMovesOnAndReportsItsCommit) {
  auto call = convo_.queue_utterance("Call Mom", "t1");
  ASSERT_TRUE(call) << call.error().detail;
  ASSERT_TRUE(call->stored);
  auto id = call->response.action.value().id;
  EXPECT_EQ(call->response.turn_id, "t1");
  // "yes" right behind it, before waiting, confirms the pending call.
  auto yes = convo_.queue_utterance("yes", "t2");
  ASSERT_TRUE(yes);
  EXPECT_EQ(yes->response.action.value().id, id);
  ASSERT_TRUE(call->stored->wait());
  ASSERT_TRUE(yes->stored->wait());
  auto history = world_.store->history(world_.user_id, 10, 0);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[3].text, "Call Mom");
  EXPECT_EQ((*history)[1].text, "yes");

  failing_.fail_turns = true;
  auto lost = convo_.queue_utterance("what time is it", "t3");
  ASSERT_TRUE(lost);  // answered; the write is what fails
  auto stored = lost->stored->wait();
  ASSERT_FALSE(stored);
  EXPECT_EQ(Conversation::queue_failure(stored.error()).code, Errc::unavailable);
  failing_.fail_turns = false;
  auto after = world_.store->history(world_.user_id, 10, 0);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 4u);
}

TEST_F(StoreFailureTest, ContactsAndListsFailures) {
  failing_.fail_contacts = true;
  auto r = convo_.on_utterance("Call Mom", "t1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  auto p = engine_.parse(world_.user_id, "Call Mom", "UTC");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::unavailable);
  failing_.fail_contacts = false;
  failing_.fail_lists = true;
  auto add = convo_.on_utterance("add milk to my shopping list", "t2");
  ASSERT_FALSE(add);
  EXPECT_EQ(add.error().code, Errc::unavailable);
  failing_.fail_lists = false;
  auto ok = convo_.on_utterance("add milk to my shopping list", "t3");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->message, "I've added milk to your shopping list.");
  failing_.fail_turns = true;
  auto result = convo_.on_action_result("act_x", "done", "");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace hark::dialog
