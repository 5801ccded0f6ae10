// The WebSocket stream: connecting, the guide's example, confirmations, correlation.
// PROTOCOL.md "WebSocket /api/v1/ws/stream" and the Flutter guide.
#include "e2e_fixture.h"

#include <cstdlib>
#include <set>

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class WsE2E : public E2ETest {};

void expect_ready(const WsMessage& m, const Tokens& t) {
  ASSERT_TRUE(m.is_json()) << m.describe();
  EXPECT_EQ(m.type(), "ready") << m.describe();
  EXPECT_FALSE(str(m.object, "session_id").empty()) << m.describe();
  ASSERT_TRUE(m.object.contains("user") && m.object.at("user").is_object()) << m.describe();
  const auto& user = m.object.at("user").as_object();
  ASSERT_TRUE(user.contains("id")) << m.describe();
  EXPECT_EQ(text_of(user.at("id")), t.user_id) << m.describe();
  EXPECT_EQ(str(user, "email"), t.email) << m.describe();
  ASSERT_TRUE(m.object.contains("protocol")) << m.describe();
  EXPECT_EQ(number_of(m.object.at("protocol")), 1) << m.describe();
  EXPECT_FALSE(m.object.contains("message")) << "only responses carry message";
}

void expect_closed_4401(WsClient& ws) {
  auto m = ws.read(5s);
  // An error message saying why may come first.
  if (m.is_json() && m.type() == "error") {
    EXPECT_FALSE(m.object.contains("message")) << m.describe();
    m = ws.read(5s);
  }
  ASSERT_TRUE(m.is_closed()) << "expected close 4401, got " << m.describe();
  EXPECT_EQ(m.close_code, 4401) << m.describe();
}

// The response to "Call Mom" as the guide shows it.
void expect_guide_call(const json::object& r) {
  EXPECT_EQ(str(r, "type"), "response") << dump(r);
  EXPECT_EQ(str(r, "message"), "Calling Mom.") << dump(r);
  EXPECT_EQ(str(r, "intent"), "call") << dump(r);
  EXPECT_FALSE(str(r, "id").empty()) << dump(r);
  EXPECT_FALSE(str(r, "turn_id").empty()) << dump(r);
  auto action = action_of(r);
  EXPECT_FALSE(str(action, "id").empty()) << dump(r);
  EXPECT_EQ(str(action, "name"), "call") << dump(r);
  EXPECT_EQ(params_of(r), (json::object{{"target", "Mom"}})) << dump(r);
  ASSERT_TRUE(action.contains("needs_confirmation")) << dump(r);
  EXPECT_EQ(action.at("needs_confirmation"), json::value(true)) << dump(r);
}

TEST_F(WsE2E, AuthorizationHeaderGetsReady) {
  auto t = new_user("wshdr");
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream"), {{"Authorization", "Bearer " + t.access_token}});
  ASSERT_TRUE(c.ok) << c.http_status << " " << c.body << c.error;
  expect_ready(ws.read(), t);
}

TEST_F(WsE2E, TokenInUrlGetsReady) {
  auto t = new_user("wsurl");
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream?token=" + t.access_token));
  ASSERT_TRUE(c.ok) << c.http_status << " " << c.body << c.error;
  expect_ready(ws.read(), t);
}

TEST_F(WsE2E, FirstAuthMessageGetsReady) {
  auto t = new_user("wsmsg");
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream"));
  ASSERT_TRUE(c.ok) << "an upgrade without a token must be accepted: " << c.http_status;
  ASSERT_TRUE(ws.send_json({{"type", "auth"}, {"token", t.access_token}}));
  expect_ready(ws.read(), t);
  auto r = say(ws, "Call Mom");
  expect_guide_call(r);
}

TEST_F(WsE2E, EachConnectionHasItsOwnSession) {
  auto t = new_user("wssess");
  WsClient a, b;
  open(a, t);  // reads ready
  auto c = b.connect(port(), api("/ws/stream?token=" + t.access_token));
  ASSERT_TRUE(c.ok);
  auto ready_b = b.read();
  ASSERT_TRUE(ready_b.is_json());
  WsClient a2;
  auto c2 = a2.connect(port(), api("/ws/stream?token=" + t.access_token));
  ASSERT_TRUE(c2.ok);
  auto ready_a2 = a2.read();
  ASSERT_TRUE(ready_a2.is_json());
  EXPECT_NE(str(ready_b.object, "session_id"), str(ready_a2.object, "session_id"));
}

TEST_F(WsE2E, BadTokenInHeaderIsRefusedWith401) {
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream"), {{"Authorization", "Bearer not-a-real-token"}});
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.http_status, 401) << c.body << c.error;
}

TEST_F(WsE2E, BadTokenInUrlIsRefusedWith401) {
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream?token=not-a-real-token"));
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.http_status, 401) << c.body << c.error;
}

TEST_F(WsE2E, BadAuthMessageClosesWith4401) {
  WsClient ws;
  ASSERT_TRUE(ws.connect(port(), api("/ws/stream")).ok);
  ASSERT_TRUE(ws.send_json({{"type", "auth"}, {"token", "forged.token.value"}}));
  expect_closed_4401(ws);
}

TEST_F(WsE2E, AnyOtherFirstMessageClosesWith4401) {
  WsClient ws;
  ASSERT_TRUE(ws.connect(port(), api("/ws/stream")).ok);
  ASSERT_TRUE(ws.send_json({{"type", "text"}, {"content", "Call Mom"}}));
  expect_closed_4401(ws);
}

class WsAuthTimeoutE2E : public E2ETest {
 protected:
  std::vector<std::string> server_args() override { return {"--ws-auth-timeout", "2"}; }
};

TEST_F(WsAuthTimeoutE2E, NoAuthWithinTheTimeoutClosesWith4401) {
  WsClient ws;
  ASSERT_TRUE(ws.connect(port(), api("/ws/stream")).ok);
  auto early = ws.read(1s);
  EXPECT_EQ(early.kind, WsMessage::Kind::timeout) << "closed too early: " << early.describe();
  auto m = ws.read(5s);
  ASSERT_TRUE(m.is_closed()) << m.describe();
  EXPECT_EQ(m.close_code, 4401);
}

TEST_F(WsE2E, GuideExampleCallMomThenYes) {
  auto t = new_user("guide");
  WsClient ws;
  open(ws, t);
  auto first = say(ws, "Call Mom");
  expect_guide_call(first);
  auto action_id = str(action_of(first), "id");

  auto yes = say(ws, "yes");
  EXPECT_EQ(str(yes, "type"), "response") << dump(yes);
  auto action = action_of(yes);
  EXPECT_EQ(str(action, "id"), action_id) << dump(yes);
  EXPECT_EQ(str(action, "name"), "call") << dump(yes);
  EXPECT_EQ(params_of(yes), (json::object{{"target", "Mom"}})) << dump(yes);
  EXPECT_EQ(action["needs_confirmation"], json::value(false)) << dump(yes);
  EXPECT_TRUE(yes.contains("message"));
  EXPECT_NE(str(yes, "turn_id"), str(first, "turn_id")) << "each utterance is its own turn";

  // Nothing is pending any more: another "yes" must not call again.
  auto again = say(ws, "yes");
  EXPECT_EQ(str(again, "type"), "response") << dump(again);
  EXPECT_FALSE(again.contains("action")) << dump(again);
}

TEST_F(WsE2E, OtherConfirmWordsWork) {
  auto t = new_user("confirmwords");
  WsClient ws;
  open(ws, t);
  for (const char* word : {"do it", "go ahead"}) {
    SCOPED_TRACE(word);
    auto first = say(ws, "Call Mom");
    auto id = str(action_of(first), "id");
    auto ok = say(ws, word);
    EXPECT_EQ(str(action_of(ok), "id"), id) << dump(ok);
    EXPECT_EQ(action_of(ok)["needs_confirmation"], json::value(false)) << dump(ok);
  }
}

TEST_F(WsE2E, ConfirmMessageConfirmsThePendingAction) {
  auto t = new_user("confirmmsg");
  WsClient ws;
  open(ws, t);
  auto first = say(ws, "Call Mom");
  auto id = str(action_of(first), "id");
  ASSERT_FALSE(id.empty()) << dump(first);
  auto ok = exchange(ws, {{"type", "confirm"}, {"action_id", id}, {"confirmed", true}});
  EXPECT_EQ(str(ok, "type"), "response") << dump(ok);
  EXPECT_EQ(str(action_of(ok), "id"), id) << dump(ok);
  EXPECT_EQ(str(action_of(ok), "name"), "call") << dump(ok);
  EXPECT_EQ(action_of(ok)["needs_confirmation"], json::value(false)) << dump(ok);
  EXPECT_EQ(params_of(ok), (json::object{{"target", "Mom"}})) << dump(ok);
}

TEST_F(WsE2E, NoCancelsThePendingAction) {
  auto t = new_user("deny");
  WsClient ws;
  open(ws, t);
  for (const char* word : {"no", "cancel", "never mind"}) {
    SCOPED_TRACE(word);
    say(ws, "Call Mom");
    auto no = say(ws, word);
    EXPECT_EQ(str(no, "type"), "response") << dump(no);
    EXPECT_EQ(str(no, "message"), "OK, cancelled.") << dump(no);
    EXPECT_FALSE(no.contains("action")) << dump(no);
    auto yes = say(ws, "yes");
    EXPECT_FALSE(yes.contains("action")) << "a cancelled call came back: " << dump(yes);
  }
}

TEST_F(WsE2E, ConfirmFalseCancels) {
  auto t = new_user("confirmfalse");
  WsClient ws;
  open(ws, t);
  auto first = say(ws, "Call Mom");
  auto id = str(action_of(first), "id");
  auto no = exchange(ws, {{"type", "confirm"}, {"action_id", id}, {"confirmed", false}});
  EXPECT_EQ(str(no, "type"), "response") << dump(no);
  EXPECT_EQ(str(no, "message"), "OK, cancelled.") << dump(no);
  EXPECT_FALSE(no.contains("action")) << dump(no);
  auto yes = say(ws, "yes");
  EXPECT_FALSE(yes.contains("action")) << dump(yes);
}

TEST_F(WsE2E, ConfirmOfAnUnknownActionIsAnError) {
  auto t = new_user("confirmunknown");
  WsClient ws;
  open(ws, t);
  auto e = exchange(ws, {{"type", "confirm"}, {"action_id", "no-such-action"}, {"confirmed", true},
                         {"id", "c-1"}});
  EXPECT_EQ(str(e, "type"), "error") << dump(e);
  EXPECT_FALSE(str(e, "code").empty()) << dump(e);
  EXPECT_FALSE(e.contains("message")) << dump(e);
  EXPECT_FALSE(e.contains("action")) << dump(e);
  EXPECT_EQ(str(e, "in_reply_to"), "c-1") << dump(e);
  expect_pong(ws);
}

TEST_F(WsE2E, AnotherUtteranceDropsThePendingAction) {
  auto t = new_user("drop");
  WsClient ws;
  open(ws, t);
  say(ws, "Call Mom");
  auto joke = say(ws, "tell me a joke");
  EXPECT_EQ(str(joke, "intent"), "joke") << dump(joke);
  EXPECT_FALSE(joke.contains("action")) << dump(joke);
  auto yes = say(ws, "yes");
  EXPECT_FALSE(yes.contains("action")) << "the dropped call came back: " << dump(yes);
}

TEST_F(WsE2E, PendingActionBelongsToOneConnection) {
  auto t = new_user("twodevices");
  WsClient phone, tablet;
  open(phone, t);
  open(tablet, t);
  say(phone, "Call Mom");
  auto yes = say(tablet, "yes");
  EXPECT_FALSE(yes.contains("action")) << "another connection confirmed the call: " << dump(yes);
  auto yes_phone = say(phone, "yes");
  EXPECT_EQ(str(action_of(yes_phone), "name"), "call") << dump(yes_phone);
}

TEST_F(WsE2E, MessageWithoutTypeButWithContentIsText) {
  auto t = new_user("notype");
  WsClient ws;
  open(ws, t);
  auto r = exchange(ws, {{"content", "Call Mom"}});
  expect_guide_call(r);
}

TEST_F(WsE2E, OnlyResponsesCarryMessage) {
  auto t = new_user("onlyresp");
  WsClient ws;
  open(ws, t);
  expect_pong(ws);
  auto e = exchange(ws, {{"type", "no_such_type"}});
  EXPECT_EQ(str(e, "type"), "error") << dump(e);
  EXPECT_FALSE(e.contains("message")) << dump(e);
  EXPECT_FALSE(str(e, "detail").empty()) << dump(e);
  auto r = say(ws, "tell me a joke");
  EXPECT_EQ(str(r, "type"), "response");
  EXPECT_FALSE(str(r, "message").empty()) << dump(r);
  EXPECT_FALSE(r.contains("action")) << "a joke has nothing for the app to do: " << dump(r);
}

TEST_F(WsE2E, EveryUtteranceGetsOneResponseWithItsOwnTurn) {
  auto t = new_user("turns");
  WsClient ws;
  open(ws, t);
  std::set<std::string> turns, ids;
  for (const char* text : {"hello", "zorp blib quantum marmalade", "flip a coin"}) {
    auto r = say(ws, text);
    EXPECT_EQ(str(r, "type"), "response") << dump(r);
    turns.insert(str(r, "turn_id"));
    ids.insert(str(r, "id"));
  }
  EXPECT_EQ(turns.size(), 3u);
  EXPECT_EQ(ids.size(), 3u);
  // Nothing else arrives: exactly one response per utterance.
  auto extra = ws.read(300ms);
  EXPECT_EQ(extra.kind, WsMessage::Kind::timeout) << extra.describe();
}

TEST_F(WsE2E, NonsenseIsFallbackWithoutAction) {
  auto t = new_user("fallback");
  WsClient ws;
  open(ws, t);
  for (const char* text : {"zorp blib quantum marmalade", "how is my credit score looking"}) {
    SCOPED_TRACE(text);
    auto r = say(ws, text);
    EXPECT_EQ(str(r, "type"), "response") << dump(r);
    EXPECT_EQ(str(r, "intent"), "fallback") << dump(r);
    EXPECT_FALSE(r.contains("action")) << "a wrong action is worse than none: " << dump(r);
    EXPECT_FALSE(str(r, "message").empty());
  }
}

TEST_F(WsE2E, ActionResultIsAcceptedQuietly) {
  auto t = new_user("actionresult");
  WsClient ws;
  open(ws, t);
  auto first = say(ws, "set a timer for 5 minutes");
  auto id = str(action_of(first), "id");
  ASSERT_FALSE(id.empty()) << dump(first);
  ASSERT_TRUE(ws.send_json({{"type", "action_result"}, {"action_id", id}, {"status", "done"}}));
  expect_pong(ws);  // no error in between
  auto bad = exchange(ws, {{"type", "action_result"}, {"action_id", id}, {"status", "exploded"},
                           {"id", "ar-2"}});
  EXPECT_EQ(str(bad, "type"), "error") << dump(bad);
  EXPECT_EQ(str(bad, "in_reply_to"), "ar-2") << dump(bad);
  EXPECT_FALSE(bad.contains("message"));
}

TEST_F(WsE2E, ClientCloseIsAnsweredAndServerKeepsServing) {
  auto t = new_user("close");
  {
    WsClient ws;
    open(ws, t);
    ws.close();
    EXPECT_FALSE(ws.is_open());
  }
  WsClient again;
  open(again, t);
  auto r = say(again, "Call Mom");
  expect_guide_call(r);
}

// The conversation's memory belongs to the login session: a client that drops and
// reconnects with the same login (even with a refreshed token) says "yes" to the call it
// was asked about; another login of the same user, or another user, has nothing pending.
TEST_F(WsE2E, YesAfterAReconnectConfirmsTheSameCall) {
  auto t = new_user("reconnect");
  std::string id;
  {
    WsClient ws;
    open(ws, t);
    auto call = say(ws, "Call Mom");
    id = str(action_of(call), "id");
    ASSERT_FALSE(id.empty()) << dump(call);
    EXPECT_EQ(action_of(call)["needs_confirmation"], json::value(true)) << dump(call);
    ws.close();
  }
  auto refreshed = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  WsClient again;
  open_session(again, port(), str(refreshed.object(), "access_token"));
  auto yes = say(again, "yes");
  EXPECT_EQ(str(yes, "type"), "response") << dump(yes);
  EXPECT_EQ(str(action_of(yes), "id"), id) << dump(yes);
  EXPECT_EQ(action_of(yes)["needs_confirmation"], json::value(false)) << dump(yes);
  // Confirmed: the next reconnect has nothing left to confirm.
  again.close();
  WsClient third;
  open_session(third, port(), str(refreshed.object(), "access_token"));
  EXPECT_FALSE(say(third, "yes").contains("action"));
}

TEST_F(WsE2E, AnotherLoginOrUserNeverSeesThePendingCall) {
  auto t = new_user("otherlogin");
  {
    WsClient ws;
    open(ws, t);
    ASSERT_FALSE(str(action_of(say(ws, "Call Mom")), "id").empty());
    ws.close();
  }
  auto second_login = form_login(port(), t.email, "correct horse battery");
  ASSERT_EQ(second_login.status, 200) << second_login.body;
  WsClient other_login;
  open_session(other_login, port(), str(second_login.object(), "access_token"));
  auto yes = say(other_login, "yes");
  EXPECT_FALSE(yes.contains("action")) << "another login confirmed the call: " << dump(yes);
  auto stranger = new_user("stranger");
  WsClient other_user;
  open(other_user, stranger);
  auto their_yes = say(other_user, "yes");
  EXPECT_FALSE(their_yes.contains("action")) << "another user confirmed the call: " << dump(their_yes);
  // The first login still has its call.
  WsClient back;
  open(back, t);
  EXPECT_EQ(str(action_of(say(back, "yes")), "name"), "call");
}

}  // namespace
}  // namespace hark::e2e
