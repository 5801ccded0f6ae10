// The dialog context kept per login session: the codec on its own (round trip, bad and old
// text), and two Conversations of one login session over a real SQLite file.
#include "dialog/state_codec.h"

#include "fixture.h"

#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

using internal::Answer;
using internal::decode_state;
using internal::DialogState;
using internal::encode_state;

bool empty(const DialogState& s) {
  return !s.pending && !s.question && !s.last && s.issued.empty() && !s.recent && s.last_contact.empty() && !s.choice;
}

DialogState full_state() {
  DialogState s;
  Action call{"act_1", "call", {{"target", nlu::Text{"Mom"}}}, std::string("+15550100"), true, std::nullopt};
  s.pending = Answer{"Calling Mom.", call, "call", true};
  Action plan{"act_2", "plan",
              {{"at", nlu::Time{"07:30"}}, {"day", nlu::Date{"2026-11-27"}}, {"when", nlu::DateTime{"2026-11-26T09:00"}},
               {"for", nlu::Duration{600}}, {"mins", nlu::Duration{45, true}}, {"n", nlu::Number{2.5}}, {"x", std::monostate{}}},
              std::nullopt, false, std::string("act_0")};
  s.last = Answer{"Planned.", plan, "plan", false};
  s.question = DialogState::Question{"message", {{"target", nlu::Slot{nlu::Text{"Joe"}, "joe"}}}, "body", 1};
  s.issued = {{"act_1", "call"}, {"act_2", "plan"}};
  s.recent = internal::Recent{"call", {{"target", nlu::Slot{nlu::Text{"Anna Smith"}, "anna"}}}, "target", {"Anna Jones"},
                              "act_2", 41};
  s.last_contact = "Anna Smith";
  s.choice = internal::Choice{{"call", "message"}, {{"target", nlu::Slot{nlu::Text{"Anna Smith"}, "anna"}}}};
  return s;
}

TEST(StateCodec, RoundTripKeepsEveryFieldAndType) {
  DialogState s = full_state();
  std::string text = encode_state(s, 7, 1000);
  std::int64_t at = 0;
  DialogState back = decode_state(text, 7, &at);
  EXPECT_EQ(at, 1000);
  EXPECT_EQ(back, s);
  ASSERT_TRUE(back.pending && back.pending->action);
  EXPECT_EQ(*back.pending->action, *s.pending->action);
  EXPECT_EQ(back.pending->message, "Calling Mom.");
  EXPECT_TRUE(back.pending->expects_reply);
  ASSERT_TRUE(back.last && back.last->action);
  EXPECT_EQ(*back.last->action, *s.last->action);
  ASSERT_TRUE(back.question);
  EXPECT_EQ(back.question->skill, "message");
  EXPECT_EQ(back.question->slot, "body");
  EXPECT_EQ(back.question->retries, 1);
  EXPECT_EQ(back.question->slots.at("target").value, nlu::SlotValue(nlu::Text{"Joe"}));
  EXPECT_EQ(back.question->slots.at("target").raw, "joe");
  EXPECT_EQ(back.issued, s.issued);
  ASSERT_TRUE(back.recent);
  EXPECT_EQ(back.recent->skill, "call");
  EXPECT_EQ(back.recent->slots.at("target").value, nlu::SlotValue(nlu::Text{"Anna Smith"}));
  EXPECT_EQ(back.recent->contact_slot, "target");
  EXPECT_EQ(back.recent->other_contacts, std::vector<std::string>{"Anna Jones"});
  EXPECT_EQ(back.recent->action_id, "act_2");
  EXPECT_EQ(back.recent->reminder_id, 41);
  EXPECT_EQ(back.last->action->replaces, std::optional<std::string>("act_0"));
  EXPECT_EQ(back.last_contact, "Anna Smith");
  ASSERT_TRUE(back.choice);
  EXPECT_EQ(back.choice->skills, (std::vector<std::string>{"call", "message"}));
  EXPECT_EQ(back.choice->slots.at("target").raw, "anna");
  EXPECT_EQ(encode_state(back, 7, 1000), text);
  EXPECT_TRUE(empty(decode_state(encode_state(DialogState{}, 7, 5), 7)));
}

TEST(StateCodec, BadOrForeignTextIsAnEmptyState) {
  std::string good = encode_state(full_state(), 7, 1000);
  ASSERT_FALSE(empty(decode_state(good, 7)));
  EXPECT_TRUE(empty(decode_state(good, 8)));  // another user's
  for (std::string bad : {std::string(""), std::string("not json"), std::string("[1,2]"), std::string("{}"),
                          std::string("null"), good.substr(0, good.size() / 2),
                          std::string(R"({"v":2,"user":7,"last":{"message":"m","intent":"i","expects_reply":false}})"),
                          std::string(R"({"v":1,"user":"7"})"),
                          std::string(R"({"v":1,"user":7,"last":{"message":"m","intent":"i","expects_reply":false}})"),
                          std::string(R"({"v":1,"user":7,"at":1,"pending":5})"),
                          std::string(R"({"v":1,"user":7,"at":1,"last":{"message":"m","intent":"i"}})"),
                          std::string(R"({"v":1,"user":7,"at":1,"issued":[["a"]]})"),
                          std::string(R"({"v":1,"user":7,"at":1,"question":{"skill":"s","slot":"b","retries":0,)"
                                      R"("slots":{"t":{"value":{"type":"weird","value":1},"raw":""}}}})"),
                          std::string(R"({"v":1,"user":7,"at":1,"last":{"message":"m","intent":"i","expects_reply":false,)"
                                      R"("action":{"id":"a","name":"n","needs_confirmation":false,)"
                                      R"("params":[["p",{"type":"seconds","value":"ten"}]]}}})"),
                          std::string(100000, '[')})
    EXPECT_TRUE(empty(decode_state(bad, 7))) << bad.substr(0, 80);
}

TEST(StateCodec, UnknownFieldsAreIgnored) {
  // A newer writer's field (a follow-up's context, say) does not lose the rest.
  std::string text = R"({"v":1,"user":7,"at":1,"future":{"topic":[1,2]},)"
                     R"("last":{"message":"Hi.","intent":"greeting","expects_reply":false,"tone":"warm"}})";
  DialogState s = decode_state(text, 7);
  ASSERT_TRUE(s.last);
  EXPECT_EQ(s.last->message, "Hi.");
  EXPECT_EQ(s.last->intent, "greeting");
}

TEST(StateCodec, IssuedIdsStayBounded) {
  std::string text = R"({"v":1,"user":7,"at":1,"issued":[)";
  for (int i = 0; i < 100; ++i) text += (i ? "," : "") + std::string(R"(["act_)") + std::to_string(i) + R"(","call"])";
  text += "]}";
  DialogState s = decode_state(text, 7);
  ASSERT_EQ(s.issued.size(), internal::kIssuedRemembered);
  EXPECT_EQ(s.issued.back().first, "act_99");
}

// Two Conversations of one login session, as a connection and its reconnect.
class LoginSessionMemoryTest : public ::testing::Test {
 protected:
  LoginSessionMemoryTest() {
    session("sess-1", world_.user_id);
    session("sess-2", world_.user_id);
  }
  void session(const std::string& id, std::int64_t user) {
    store::LoginSession s;
    s.id = id;
    s.user_id = user;
    s.refresh_hash = "h-" + id;
    s.created_at = world_.clock.unix_now();
    s.expires_at = s.created_at + 3600;
    ASSERT_TRUE(world_.store->create_session(s));
  }
  testing::World world_;
};

TEST_F(LoginSessionMemoryTest, AReconnectConfirmsThePendingCall) {
  std::string id;
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    auto call = first.on_utterance("Call Mom", "t1");
    ASSERT_TRUE(call && call->action);
    ASSERT_TRUE(call->action->needs_confirmation);
    id = call->action->id;
  }
  Conversation again(*world_.engine, world_.user_id, "sess-1");
  auto yes = again.on_utterance("yes", "t2");
  ASSERT_TRUE(yes);
  ASSERT_TRUE(yes->action) << yes->message;
  EXPECT_EQ(yes->action->id, id);
  EXPECT_FALSE(yes->action->needs_confirmation);
  // Confirmed once: a third connection has nothing pending, and "repeat" says it again.
  Conversation third(*world_.engine, world_.user_id, "sess-1");
  auto none = third.on_utterance("yes", "t3");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->action);
}

TEST_F(LoginSessionMemoryTest, AConfirmMessageAfterAReconnectFindsTheAction) {
  std::string id;
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    auto call = first.on_utterance("Call Mom", "t1");
    ASSERT_TRUE(call && call->action);
    id = call->action->id;
  }
  Conversation again(*world_.engine, world_.user_id, "sess-1");
  auto ok = again.on_confirm(id, true, "t2");
  ASSERT_TRUE(ok) << ok.error().detail;
  ASSERT_TRUE(ok->action);
  EXPECT_EQ(ok->action->id, id);
}

TEST_F(LoginSessionMemoryTest, AnOpenQuestionSurvivesAReconnect) {
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    auto q = first.on_utterance("send a text to Joe", "t1");
    ASSERT_TRUE(q);
    ASSERT_TRUE(q->expects_reply) << q->message;
  }
  Conversation again(*world_.engine, world_.user_id, "sess-1");
  auto r = again.on_utterance("I am on my way", "t2");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->action) << r->message;
  EXPECT_EQ(r->action->name, "message");
}

// The follow-up memory is part of the login session's context: "and eggs" after a reconnect
// adds to the list the request before the reconnect named.
TEST_F(LoginSessionMemoryTest, AFollowUpAfterAReconnectUsesTheEarlierRequest) {
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    auto add = first.on_utterance("put flour on my shopping list", "t1");
    ASSERT_TRUE(add);
    ASSERT_EQ(add->intent, "list_add") << add->message;
  }
  Conversation again(*world_.engine, world_.user_id, "sess-1");
  auto more = again.on_utterance("and sugar", "t2");
  ASSERT_TRUE(more);
  EXPECT_EQ(more->intent, "list_add") << more->message;
  auto items = world_.store->list_items(world_.user_id, "shopping");
  ASSERT_TRUE(items);
  EXPECT_EQ(items->size(), 2u);
}

// A change after a reconnect changes the reminder set before it, and names its action.
TEST_F(LoginSessionMemoryTest, AChangeAfterAReconnectChangesTheSameReminder) {
  std::string id;
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    auto set = first.on_utterance("remind me to call the bank at 5 pm", "t1");
    ASSERT_TRUE(set && set->action);
    id = set->action->id;
  }
  Conversation again(*world_.engine, world_.user_id, "sess-1");
  auto changed = again.on_utterance("make it 6 pm", "t2");
  ASSERT_TRUE(changed);
  ASSERT_TRUE(changed->action) << changed->message;
  EXPECT_EQ(changed->action->replaces, std::optional<std::string>(id));
  auto stored = world_.store->reminders(world_.user_id).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].datetime, "2026-11-25T18:00");
}

// Two connections of one login open at once (a phone and a tablet): what one says after the
// other opened stays its own; the tablet's "yes" confirms nothing of the phone's.
TEST_F(LoginSessionMemoryTest, AConnectionOpenMeanwhileKeepsItsOwnContext) {
  Conversation tablet(*world_.engine, world_.user_id, "sess-1");
  world_.clock.advance(std::chrono::seconds(1));
  Conversation phone(*world_.engine, world_.user_id, "sess-1");
  auto call = phone.on_utterance("Call Mom", "t1");
  ASSERT_TRUE(call && call->action);
  world_.clock.advance(std::chrono::seconds(1));
  auto yes = tablet.on_utterance("yes", "t2");
  ASSERT_TRUE(yes);
  EXPECT_FALSE(yes->action);
  auto phone_yes = phone.on_utterance("yes", "t3");
  ASSERT_TRUE(phone_yes && phone_yes->action);
  EXPECT_EQ(phone_yes->action->id, call->action->id);
}

TEST_F(LoginSessionMemoryTest, AnotherLoginSessionOrUserNeverSeesIt) {
  {
    Conversation first(*world_.engine, world_.user_id, "sess-1");
    ASSERT_TRUE(first.on_utterance("Call Mom", "t1"));
  }
  Conversation other_login(*world_.engine, world_.user_id, "sess-2");
  auto yes = other_login.on_utterance("yes", "t2");
  ASSERT_TRUE(yes);
  EXPECT_FALSE(yes->action);
  EXPECT_EQ(yes->message, "There's nothing to confirm.");

  auto bo = world_.store->create_user("bo@example.com", "Bo", "hash", world_.clock.unix_now());
  ASSERT_TRUE(bo);
  Conversation other_user(*world_.engine, bo->id, "sess-1");  // even under the same key
  auto bo_yes = other_user.on_utterance("yes", "t3");
  ASSERT_TRUE(bo_yes);
  EXPECT_FALSE(bo_yes->action);
  // And Bo's turn did not overwrite Ana's memory.
  Conversation back(*world_.engine, world_.user_id, "sess-1");
  auto ana_yes = back.on_utterance("yes", "t4");
  ASSERT_TRUE(ana_yes);
  EXPECT_TRUE(ana_yes->action);
}

}  // namespace
}  // namespace hark::dialog
