// Every built-in skill through the real server, with sentences of our own.
// Slot names and value formats: SKILLS.md and the team contract.
#include "e2e_fixture.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <regex>

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Pacific/Kiritimati is UTC+14 all year: its date differs from UTC's for most of the day,
// so a server that ignores the session's zone is caught.
constexpr const char* kZone = "Pacific/Kiritimati";
constexpr auto kZoneOffset = std::chrono::hours(14);

std::string ymd(std::chrono::sys_days day) {
  std::chrono::year_month_day d{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::chrono::sys_days local_today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + kZoneOffset);
}

// Dates a "tomorrow" may resolve to while the test runs (midnight may pass in between).
std::vector<std::string> tomorrow_candidates(std::chrono::sys_days before) {
  auto after = local_today();
  std::vector<std::string> out{ymd(before + std::chrono::days(1))};
  if (after != before) out.push_back(ymd(after + std::chrono::days(1)));
  return out;
}

bool is_valid_date(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
  if (!std::regex_match(s, re)) return false;
  std::chrono::year_month_day d{std::chrono::year(std::stoi(s.substr(0, 4))),
                                std::chrono::month(std::stoul(s.substr(5, 2))),
                                std::chrono::day(std::stoul(s.substr(8, 2)))};
  return d.ok();
}

bool one_of(const std::string& v, const std::vector<std::string>& options) {
  return std::find(options.begin(), options.end(), v) != options.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " or ") + x;
  return s;
}

class SkillsE2E : public E2ETest {
 protected:
  void SetUp() override {
    E2ETest::SetUp();
    tokens_ = new_user("skills");
    open(ws_, tokens_);
    // Session settings have no answer of their own: the ping after it proves it was
    // taken without an error.
    ASSERT_TRUE(ws_.send_json({{"type", "config"}, {"timezone", kZone}, {"language", "en-US"}}));
    expect_pong(ws_);
  }

  void TearDown() override {
    // Close first: a client that never answers the server's close frame would hold the
    // server's exit for its whole drain time.
    ws_.close();
    E2ETest::TearDown();
  }

  // Sends `text`, checks it is a response of `intent` with an action named `action`
  // (empty: no action), returns it.
  json::object expect(std::string_view text, std::string_view intent, std::string_view action) {
    json::object r;
    try {
      r = say(ws_, text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << text << ": " << e.what();
      return r;
    }
    EXPECT_EQ(str(r, "type"), "response") << text << " -> " << dump(r);
    EXPECT_EQ(str(r, "intent"), intent) << text << " -> " << dump(r);
    EXPECT_FALSE(str(r, "message").empty()) << text << " -> " << dump(r);
    if (action.empty()) {
      EXPECT_FALSE(r.contains("action")) << text << " -> " << dump(r);
    } else {
      auto a = action_of(r);
      EXPECT_EQ(str(a, "name"), action) << text << " -> " << dump(r);
      EXPECT_FALSE(str(a, "id").empty()) << text << " -> " << dump(r);
      EXPECT_TRUE(a.contains("needs_confirmation") && a.at("needs_confirmation").is_bool())
          << text << " -> " << dump(r);
    }
    return r;
  }

  static bool needs_confirmation(const json::object& r) {
    auto a = action_of(r);
    return a.contains("needs_confirmation") && a.at("needs_confirmation") == json::value(true);
  }

  Tokens tokens_;
  WsClient ws_;
};

void expect_param_ci(const json::object& r, std::string_view name, std::string_view want) {
  EXPECT_EQ(lower(param(r, name)), lower(std::string(want))) << name << " in " << dump(r);
}

void expect_param_contains(const json::object& r, std::string_view name, std::string_view part) {
  EXPECT_NE(lower(param(r, name)).find(lower(std::string(part))), std::string::npos)
      << name << " should contain '" << part << "' in " << dump(r);
}

void expect_message_matches(const json::object& r, const std::string& pattern) {
  std::regex re(pattern, std::regex::icase);
  EXPECT_TRUE(std::regex_search(str(r, "message"), re))
      << "message should match /" << pattern << "/: " << dump(r);
}

TEST_F(SkillsE2E, Navigation) {
  auto r = expect("navigate to Central Park", "navigation", "navigation");
  expect_param_ci(r, "destination", "central park");
  EXPECT_FALSE(needs_confirmation(r));
  auto by_car = expect("navigate to the Museum of Art by car", "navigation", "navigation");
  expect_param_contains(by_car, "destination", "museum of art");
  EXPECT_EQ(param(by_car, "mode"), "driving") << dump(by_car);
}

TEST_F(SkillsE2E, Alarm) {
  auto r = expect("wake me up at 7:30 am", "alarm", "alarm");
  EXPECT_EQ(param(r, "time"), "07:30") << dump(r);
  EXPECT_FALSE(needs_confirmation(r));
  auto pm = expect("set an alarm for 6 pm", "alarm", "alarm");
  EXPECT_EQ(param(pm, "time"), "18:00") << dump(pm);
  auto today = local_today();
  auto tomorrow = expect("set an alarm for 9:15 tomorrow", "alarm", "alarm");
  EXPECT_EQ(param(tomorrow, "time"), "09:15") << dump(tomorrow);
  EXPECT_PRED2(one_of, param(tomorrow, "date"), tomorrow_candidates(today))
      << "expected " << joined(tomorrow_candidates(today)) << " in " << kZone;
}

TEST_F(SkillsE2E, Timer) {
  auto r = expect("set a timer for 10 minutes", "timer", "timer");
  EXPECT_EQ(number_param(r, "duration_seconds"), 600) << dump(r);
  EXPECT_TRUE(params_of(r).at("duration_seconds").is_number()) << dump(r);
  auto r2 = expect("set a timer for an hour and a half", "timer", "timer");
  EXPECT_EQ(number_param(r2, "duration_seconds"), 5400) << dump(r2);
  auto r3 = expect("start a 45 second timer", "timer", "timer");
  EXPECT_EQ(number_param(r3, "duration_seconds"), 45) << dump(r3);
}

TEST_F(SkillsE2E, ReminderAndReminderList) {
  auto today = local_today();
  auto r = expect("remind me to water the plants tomorrow at 8 am", "reminder", "reminder");
  expect_param_ci(r, "text", "water the plants");
  auto datetime = param(r, "datetime");
  ASSERT_EQ(datetime.size(), 16u) << dump(r);
  EXPECT_EQ(datetime.substr(10), "T08:00") << dump(r);
  EXPECT_TRUE(is_valid_date(datetime.substr(0, 10))) << dump(r);
  EXPECT_PRED2(one_of, datetime.substr(0, 10), tomorrow_candidates(today))
      << "tomorrow in " << kZone;
  auto list = expect("what are my reminders", "reminder_list", "");
  EXPECT_NE(lower(str(list, "message")).find("water the plants"), std::string::npos)
      << dump(list);
}

TEST_F(SkillsE2E, Calendar) {
  auto today = local_today();
  auto add = expect("add a meeting with Anna to my calendar tomorrow at 3 pm", "calendar_add",
                    "calendar_add");
  expect_param_contains(add, "title", "anna");
  auto datetime = param(add, "datetime");
  ASSERT_EQ(datetime.size(), 16u) << dump(add);
  EXPECT_EQ(datetime.substr(10), "T15:00") << dump(add);
  EXPECT_PRED2(one_of, datetime.substr(0, 10), tomorrow_candidates(today));

  auto query = expect("what's on my calendar tomorrow", "calendar_query", "calendar_query");
  EXPECT_TRUE(is_valid_date(param(query, "date"))) << dump(query);
  EXPECT_PRED2(one_of, param(query, "date"), tomorrow_candidates(today));
  EXPECT_FALSE(needs_confirmation(query));

  auto remove = expect("remove the dentist appointment from my calendar", "calendar_remove",
                       "calendar_remove");
  expect_param_contains(remove, "title", "dentist");
  EXPECT_TRUE(needs_confirmation(remove)) << dump(remove);
  auto no = expect("no", "deny", "");
  EXPECT_EQ(str(no, "message"), "OK, cancelled.");
}

TEST_F(SkillsE2E, MusicAndMedia) {
  auto play = expect("play Bohemian Rhapsody", "play_music", "play_music");
  expect_param_contains(play, "query", "bohemian rhapsody");
  auto pause = expect("pause the music", "media_control", "media_control");
  EXPECT_EQ(param(pause, "command"), "pause") << dump(pause);
  auto next = expect("skip to the next track", "media_control", "media_control");
  EXPECT_EQ(param(next, "command"), "next") << dump(next);
  auto set = expect("set the volume to 40", "volume", "volume");
  EXPECT_EQ(number_param(set, "level"), 40) << dump(set);
  auto up = expect("turn the volume up", "volume", "volume");
  EXPECT_EQ(param(up, "change"), "up") << dump(up);
}

TEST_F(SkillsE2E, Weather) {
  auto today = local_today();
  auto r = expect("what's the weather in Paris tomorrow", "weather", "weather");
  expect_param_ci(r, "location", "paris");
  EXPECT_TRUE(is_valid_date(param(r, "date"))) << dump(r);
  EXPECT_PRED2(one_of, param(r, "date"), tomorrow_candidates(today));
  expect("what's the weather like", "weather", "weather");
}

TEST_F(SkillsE2E, PhoneActions) {
  auto share = expect("share my location with Sam", "share_location", "share_location");
  EXPECT_EQ(param(share, "target"), "Sam") << dump(share);
  EXPECT_TRUE(needs_confirmation(share)) << dump(share);
  expect("no", "deny", "");

  auto find = expect("find my phone", "find_phone", "find_phone");
  EXPECT_TRUE(params_of(find).empty()) << dump(find);

  auto app = expect("open Spotify", "open_app", "open_app");
  expect_param_ci(app, "app", "spotify");

  auto search = expect("search the web for cheap flights to Rome", "web_search", "web_search");
  expect_param_contains(search, "query", "cheap flights to rome");

  auto wifi = expect("turn on wifi", "device_setting", "device_setting");
  EXPECT_EQ(param(wifi, "setting"), "wifi") << dump(wifi);
  EXPECT_EQ(param(wifi, "state"), "on") << dump(wifi);
  auto bt = expect("turn off bluetooth", "device_setting", "device_setting");
  EXPECT_EQ(param(bt, "setting"), "bluetooth") << dump(bt);
  EXPECT_EQ(param(bt, "state"), "off") << dump(bt);
  auto dnd = expect("turn on do not disturb", "device_setting", "device_setting");
  EXPECT_EQ(param(dnd, "setting"), "do_not_disturb") << dump(dnd);
}

TEST_F(SkillsE2E, MessageAsksForTheBodyThenConfirms) {
  auto ask = say(ws_, "send a text to Joe");
  EXPECT_EQ(str(ask, "type"), "response") << dump(ask);
  EXPECT_EQ(str(ask, "message"), "What should the message say?") << dump(ask);
  EXPECT_FALSE(ask.contains("action")) << "no action before the body is known: " << dump(ask);
  auto r = say(ws_, "see you at the station");
  EXPECT_EQ(str(r, "intent"), "message") << dump(r);
  EXPECT_EQ(str(action_of(r), "name"), "message") << dump(r);
  EXPECT_EQ(param(r, "target"), "Joe") << dump(r);
  expect_param_ci(r, "body", "see you at the station");
  EXPECT_TRUE(needs_confirmation(r)) << dump(r);
  auto id = str(action_of(r), "id");
  auto yes = say(ws_, "yes");
  EXPECT_EQ(str(action_of(yes), "id"), id) << dump(yes);
  EXPECT_EQ(action_of(yes)["needs_confirmation"], json::value(false)) << dump(yes);
  expect_param_ci(yes, "body", "see you at the station");
}

TEST_F(SkillsE2E, MessageAsksForTheRecipient) {
  auto ask = say(ws_, "send a message");
  EXPECT_FALSE(ask.contains("action")) << dump(ask);
  auto m = str(ask, "message");
  EXPECT_TRUE(m == "Who should I send it to?" || m == "What should the message say?") << dump(ask);
}

TEST_F(SkillsE2E, TimeAndDateFollowTheSessionZone) {
  auto before = std::chrono::system_clock::now() + kZoneOffset;
  auto r = expect("what time is it", "time", "");
  auto after = std::chrono::system_clock::now() + kZoneOffset;
  // Any spelling of the local time is fine: 24 h or 12 h, with or without a leading zero.
  std::vector<std::string> forms;
  for (auto t : {before, after}) {
    auto minutes = std::chrono::floor<std::chrono::minutes>(t - std::chrono::floor<std::chrono::days>(t));
    int h = static_cast<int>(minutes.count() / 60), m = static_cast<int>(minutes.count() % 60);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%d:%02d", h, m);
    forms.push_back(buf);
    std::snprintf(buf, sizeof buf, "%d:%02d", h % 12 == 0 ? 12 : h % 12, m);
    forms.push_back(buf);
  }
  auto message = str(r, "message");
  EXPECT_TRUE(std::any_of(forms.begin(), forms.end(), [&](const std::string& f) {
    return std::regex_search(message, std::regex("(^|[^0-9])0?" + f + "([^0-9]|$)"));
  })) << "expected the time in " << kZone << " (" << joined(forms) << "): " << message;

  auto d = expect("what's the date today", "date", "");
  std::chrono::year_month_day today{local_today()};
  static const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                  "july",    "august",   "september", "october", "november",
                                  "december"};
  auto month = kMonths[static_cast<unsigned>(today.month()) - 1];
  auto text = lower(str(d, "message"));
  bool named = text.find(month) != std::string::npos &&
               std::regex_search(text, std::regex("(^|[^0-9])" +
                                                  std::to_string(static_cast<unsigned>(today.day())) +
                                                  "(st|nd|rd|th)?([^0-9]|$)"));
  EXPECT_TRUE(named || text.find(ymd(local_today())) != std::string::npos)
      << "expected " << ymd(local_today()) << " (" << kZone << "): " << text;
}

TEST_F(SkillsE2E, UnknownTimezoneIsRefused) {
  auto e = exchange(ws_, {{"type", "config"}, {"timezone", "Mars/Olympus_Mons"}, {"id", "tz-1"}});
  EXPECT_EQ(str(e, "type"), "error") << dump(e);
  EXPECT_EQ(str(e, "in_reply_to"), "tz-1") << dump(e);
  EXPECT_FALSE(e.contains("message"));
  // The earlier zone still holds.
  auto today = local_today();
  auto r = expect("set an alarm for 9:15 tomorrow", "alarm", "alarm");
  EXPECT_PRED2(one_of, param(r, "date"), tomorrow_candidates(today));
}

TEST_F(SkillsE2E, Calculator) {
  auto r = expect("what is 7 times 6 minus 2", "calculator", "");
  expect_message_matches(r, R"((^|[^0-9.])40([^0-9]|$))");
  auto d = expect("what's 12 divided by 4", "calculator", "");
  expect_message_matches(d, R"((^|[^0-9.])3([^0-9]|$))");
}

TEST_F(SkillsE2E, UnitConversion) {
  auto r = expect("convert 5 kilometers to miles", "unit_conversion", "");
  expect_message_matches(r, R"(3\.1)");
  auto t = expect("how many grams are in a pound", "unit_conversion", "");
  expect_message_matches(t, R"(453)");
  auto c = expect("convert 100 celsius to fahrenheit", "unit_conversion", "");
  expect_message_matches(c, R"((^|[^0-9.])212([^0-9]|$))");
}

TEST_F(SkillsE2E, ShoppingList) {
  expect("add milk to my shopping list", "list_add", "");
  expect("add eggs to my shopping list", "list_add", "");
  auto read = expect("what's on my shopping list", "list_read", "");
  auto text = lower(str(read, "message"));
  EXPECT_NE(text.find("milk"), std::string::npos) << text;
  EXPECT_NE(text.find("eggs"), std::string::npos) << text;

  expect("remove milk from my shopping list", "list_remove", "");
  text = lower(str(expect("what's on my shopping list", "list_read", ""), "message"));
  EXPECT_EQ(text.find("milk"), std::string::npos) << text;
  EXPECT_NE(text.find("eggs"), std::string::npos) << text;

  expect("clear my shopping list", "list_clear", "");
  text = lower(str(expect("what's on my shopping list", "list_read", ""), "message"));
  EXPECT_EQ(text.find("eggs"), std::string::npos) << text;

  // Lists are per user and kept in the store: visible over HTTP too.
  expect("add bread to my shopping list", "list_add", "");
  auto chat = http().post_json(api("/chat"), {{"text", "what's on my shopping list"}},
                               tokens_.access_token);
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_NE(lower(str(chat.object(), "message")).find("bread"), std::string::npos) << chat.body;
}

TEST_F(SkillsE2E, TodoListIsSeparate) {
  expect("add buy stamps to my to do list", "list_add", "");
  auto shopping = lower(str(expect("what's on my shopping list", "list_read", ""), "message"));
  EXPECT_EQ(shopping.find("stamps"), std::string::npos) << shopping;
  auto todo = lower(str(expect("what's on my to do list", "list_read", ""), "message"));
  EXPECT_NE(todo.find("stamps"), std::string::npos) << todo;
}

TEST_F(SkillsE2E, SmallTalk) {
  expect("hello", "greeting", "");
  expect("thank you", "thanks", "");
  expect("what can you do", "help", "");
  expect("tell me a joke", "joke", "");
  expect("goodbye", "goodbye", "");
}

TEST_F(SkillsE2E, CoinAndDice) {
  auto coin = expect("flip a coin", "flip_coin", "");
  expect_message_matches(coin, "heads|tails");
  auto die = expect("roll a die", "roll_dice", "");
  expect_message_matches(die, "(^|[^0-9])[1-6]([^0-9]|$)");
  EXPECT_FALSE(std::regex_search(str(die, "message"), std::regex("(^|[^0-9])([7-9]|[1-9][0-9]+)([^0-9]|$)")))
      << "a six-sided die: " << dump(die);
}

TEST_F(SkillsE2E, RepeatSaysTheLastAnswerAgain) {
  auto joke = expect("tell me a joke", "joke", "");
  auto again = say(ws_, "repeat that");
  EXPECT_EQ(str(again, "type"), "response") << dump(again);
  EXPECT_EQ(str(again, "message"), str(joke, "message")) << dump(again);
  EXPECT_FALSE(again.contains("action")) << dump(again);
}

}  // namespace
}  // namespace hark::e2e
