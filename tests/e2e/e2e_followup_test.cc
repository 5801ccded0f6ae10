// Follow-ups that use the conversation's memory, and the ask-back, through the real
// server over a real WebSocket. The sentences are our own.
#include "e2e_fixture.h"

#include <chrono>
#include <cstdio>

namespace hark::e2e {
namespace {

namespace json = boost::json;

class FollowupE2E : public E2ETest {
 protected:
  void SetUp() override {
    E2ETest::SetUp();
    tokens_ = new_user("followup");
    open(ws_, tokens_);
  }
  void TearDown() override {
    ws_.close();
    E2ETest::TearDown();
  }
  void contacts(const Tokens& t, json::array list) {
    ASSERT_EQ(http().put_json(api("/contacts"), list, t.access_token).status, 204);
  }
  static json::object contact(const char* name, const char* phone) {
    return {{"name", name}, {"phones", json::array{phone}}, {"aliases", json::array{}}};
  }
  json::object ask(WsClient& ws, std::string_view text) {
    auto r = say(ws, text);
    EXPECT_EQ(str(r, "type"), "response") << text << " -> " << dump(r);
    return r;
  }
  json::object ask(std::string_view text) { return ask(ws_, text); }
  static std::string action_name(const json::object& r) { return str(action_of(r), "name"); }
  static bool expects_reply(const json::object& r) {
    return r.contains("expects_reply") && r.at("expects_reply") == json::value(true);
  }
  static bool needs_confirmation(const json::object& r) {
    auto a = action_of(r);
    return a.contains("needs_confirmation") && a.at("needs_confirmation") == json::value(true);
  }

  Tokens tokens_;
  WsClient ws_;
};

std::string utc_day(int days_from_now) {
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
             std::chrono::days(days_from_now);
  std::chrono::year_month_day d{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

TEST_F(FollowupE2E, AndAddsToTheSameList) {
  ASSERT_EQ(str(ask("add rye bread to my shopping list"), "intent"), "list_add");
  auto more = ask("and apples");
  EXPECT_EQ(str(more, "intent"), "list_add") << dump(more);
  auto read = ask("what's on my shopping list");
  EXPECT_NE(lower(str(read, "message")).find("rye bread"), std::string::npos) << dump(read);
  EXPECT_NE(lower(str(read, "message")).find("apples"), std::string::npos) << dump(read);
}

TEST_F(FollowupE2E, CallHerAfterATextStillAsksFirst) {
  contacts(tokens_, {contact("Anna Smith", "+15550001111"), contact("Bob Stone", "+15550002222")});
  auto text = ask("text Anna I'm running behind");
  ASSERT_EQ(action_name(text), "message") << dump(text);
  auto call = ask("call her");
  EXPECT_EQ(action_name(call), "call") << dump(call);
  EXPECT_EQ(param(call, "target"), "Anna Smith") << dump(call);
  EXPECT_EQ(param(call, "number"), "+15550001111") << dump(call);
  EXPECT_TRUE(needs_confirmation(call)) << dump(call);
  EXPECT_TRUE(expects_reply(call)) << dump(call);
}

TEST_F(FollowupE2E, MakeItMovesTheAlarm) {
  auto set = ask("set an alarm for 8");
  ASSERT_EQ(action_name(set), "alarm") << dump(set);
  auto moved = ask("make it 8:15");
  EXPECT_EQ(action_name(moved), "alarm") << dump(moved);
  EXPECT_EQ(param(moved, "time"), "08:15") << dump(moved);
}

TEST_F(FollowupE2E, AndTomorrowKeepsTheCity) {
  auto now = ask("what's the weather in Madrid");
  ASSERT_EQ(action_name(now), "weather") << dump(now);
  std::string before = utc_day(1);
  auto later = ask("and tomorrow?");
  EXPECT_EQ(action_name(later), "weather") << dump(later);
  EXPECT_EQ(lower(param(later, "location")), "madrid") << dump(later);
  std::string date = param(later, "date");
  EXPECT_TRUE(date == before || date == utc_day(1)) << dump(later);  // midnight may pass
}

TEST_F(FollowupE2E, AtGivesTheReminderItsTime) {
  auto asked = ask("remind me to renew my passport");
  EXPECT_TRUE(expects_reply(asked)) << dump(asked);
  auto set = ask("at 5 pm");
  EXPECT_EQ(action_name(set), "reminder") << dump(set);
  EXPECT_EQ(param(set, "text"), "renew my passport") << dump(set);
  EXPECT_TRUE(param(set, "datetime").ends_with("T17:00")) << dump(set);
}

// Issue 13: a change to the reminder just set changes it; the user never has two, and
// the app is told which action the new one replaces.
TEST_F(FollowupE2E, MakeItChangesTheReminder) {
  auto set = ask("remind me to call the bank at 5 pm");
  ASSERT_EQ(action_name(set), "reminder") << dump(set);
  auto changed = ask("make it 6 pm");
  EXPECT_EQ(action_name(changed), "reminder") << dump(changed);
  EXPECT_EQ(param(changed, "text"), "call the bank") << dump(changed);
  EXPECT_TRUE(param(changed, "datetime").ends_with("T18:00")) << dump(changed);
  EXPECT_EQ(str(action_of(changed), "replaces"), str(action_of(set), "id")) << dump(changed);
  EXPECT_NE(str(changed, "message").find("changed"), std::string::npos) << dump(changed);
  auto read = ask("what are my reminders");
  std::string said = str(read, "message");
  EXPECT_NE(said.find("6 PM"), std::string::npos) << dump(read);
  EXPECT_EQ(said.find("5 PM"), std::string::npos) << dump(read);
}

TEST_F(FollowupE2E, MakeItNamesTheAlarmItMoves) {
  auto set = ask("set an alarm for 7");
  ASSERT_EQ(action_name(set), "alarm") << dump(set);
  EXPECT_FALSE(action_of(set).contains("replaces")) << dump(set);
  auto moved = ask("make it 7:30");
  EXPECT_EQ(param(moved, "time"), "07:30") << dump(moved);
  EXPECT_EQ(str(action_of(moved), "replaces"), str(action_of(set), "id")) << dump(moved);
}

TEST_F(FollowupE2E, TheOtherOneCallsTheOtherAnna) {
  contacts(tokens_, {contact("Anna Smith", "+15550001111"), contact("Anna Jones", "+15550003333")});
  auto first = ask("call Anna");
  ASSERT_EQ(action_name(first), "call") << dump(first);
  EXPECT_EQ(param(first, "target"), "Anna Smith") << dump(first);
  auto other = ask("no, the other one");
  EXPECT_EQ(action_name(other), "call") << dump(other);
  EXPECT_EQ(param(other, "target"), "Anna Jones") << dump(other);
  EXPECT_EQ(param(other, "number"), "+15550003333") << dump(other);
  EXPECT_TRUE(needs_confirmation(other)) << dump(other);
}

// Two users at once: one's "her" is never the other's contact.
TEST_F(FollowupE2E, PronounsStayWithTheirConversation) {
  contacts(tokens_, {contact("Anna Smith", "+15550001111")});
  ASSERT_EQ(action_name(ask("text Anna I'm running behind")), "message");
  auto other = new_user("followup-other");
  WsClient theirs;
  open(theirs, other);
  auto call = ask(theirs, "call her");
  EXPECT_TRUE(action_of(call).empty()) << dump(call);
  EXPECT_EQ(str(call, "message").find("Anna"), std::string::npos) << dump(call);
  EXPECT_TRUE(expects_reply(call)) << dump(call);  // "Who should I call?"
  theirs.close();
}

TEST_F(FollowupE2E, AskBackThenTheAnswer) {
  auto q = ask("heads up in twenty minutes");
  EXPECT_TRUE(action_of(q).empty()) << dump(q);
  EXPECT_TRUE(expects_reply(q)) << dump(q);
  EXPECT_NE(str(q, "message").find("start a timer for 20 minutes"), std::string::npos) << dump(q);
  auto timer = ask("the first one");
  EXPECT_EQ(action_name(timer), "timer") << dump(timer);
  EXPECT_EQ(number_param(timer, "duration_seconds"), 1200) << dump(timer);
}

}  // namespace
}  // namespace hark::e2e
