// The HTTP side of the conversation: /chat, /nlu/parse, /skills, contacts, history, probes.
#include "e2e_fixture.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace hark::e2e {
namespace {

namespace json = boost::json;

class HttpE2E : public E2ETest {};

json::array history_items(const HttpResponse& res) {
  auto body = res.object();
  auto it = body.find("items");
  if (it == body.end() || !it->value().is_array()) {
    ADD_FAILURE() << "history without items: " << res.body;
    return {};
  }
  return it->value().as_array();
}

TEST_F(HttpE2E, ChatAnswersTheSameResponseObject) {
  auto t = new_user("chat");
  auto res = http().post_json(api("/chat"), {{"text", "Call Mom"}}, t.access_token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto r = res.object();
  EXPECT_EQ(str(r, "type"), "response") << res.body;
  EXPECT_EQ(str(r, "message"), "Calling Mom.") << res.body;
  EXPECT_EQ(str(r, "intent"), "call");
  EXPECT_EQ(str(action_of(r), "name"), "call");
  EXPECT_EQ(params_of(r), (json::object{{"target", "Mom"}}));
  EXPECT_EQ(action_of(r)["needs_confirmation"], json::value(true));
  EXPECT_FALSE(str(action_of(r), "id").empty());
  EXPECT_FALSE(str(r, "id").empty());
  // The same login keeps its conversation over HTTP, so "yes" confirms there too.
  auto yes = http().post_json(api("/chat"), {{"text", "yes"}}, t.access_token);
  ASSERT_EQ(yes.status, 200) << yes.body;
  EXPECT_EQ(str(action_of(yes.object()), "id"), str(action_of(r), "id")) << yes.body;
  EXPECT_EQ(action_of(yes.object())["needs_confirmation"], json::value(false)) << yes.body;

  auto anonymous = http().post_json(api("/chat"), {{"text", "Call Mom"}});
  EXPECT_EQ(anonymous.status, 401);
}

TEST_F(HttpE2E, NluParseHasNoSideEffects) {
  auto t = new_user("parse");
  auto res = http().post_json(api("/nlu/parse"), {{"text", "set an alarm for 6:45 am"}},
                              t.access_token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = res.object();
  EXPECT_EQ(str(body, "intent"), "alarm") << res.body;
  ASSERT_TRUE(body.contains("slots") && body.at("slots").is_object()) << res.body;
  auto slots = body.at("slots").as_object();
  ASSERT_TRUE(slots.contains("time") && slots.at("time").is_object()) << res.body;
  auto time = slots.at("time").as_object();
  EXPECT_EQ(time["value"], json::value("06:45")) << res.body;
  EXPECT_NE(lower(str(time, "raw")).find("6"), std::string::npos)
      << "raw should be the words said: " << res.body;
  ASSERT_TRUE(body.contains("confidence")) << res.body;
  double confidence = number_of(body.at("confidence"));
  EXPECT_GE(confidence, 0.0);
  EXPECT_LE(confidence, 1.0);

  auto call = http().post_json(api("/nlu/parse"), {{"text", "Call Mom"}}, t.access_token);
  ASSERT_EQ(call.status, 200) << call.body;
  EXPECT_EQ(str(call.object(), "intent"), "call");
  EXPECT_FALSE(call.object().contains("choices")) << call.body;

  // A word the dialog would ask back about ("Do you want to call someone?"): the choices.
  auto dial = http().post_json(api("/nlu/parse"), {{"text", "dial"}}, t.access_token);
  ASSERT_EQ(dial.status, 200) << dial.body;
  EXPECT_EQ(str(dial.object(), "intent"), "fallback") << dial.body;
  ASSERT_TRUE(dial.object().contains("choices")) << dial.body;
  EXPECT_EQ(dial.object().at("choices"), (json::array{"call"})) << dial.body;
  auto target = call.object().at("slots").as_object()["target"];
  EXPECT_EQ(target.as_object()["value"], json::value("Mom")) << call.body;

  auto list = http().post_json(api("/nlu/parse"), {{"text", "add kiwis to my shopping list"}},
                               t.access_token);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(str(list.object(), "intent"), "list_add") << list.body;

  // Nothing was stored: no history, no list item, no pending call.
  auto history = http().get(api("/conversations/history"), t.access_token);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_TRUE(history_items(history).empty()) << history.body;
  auto read = http().post_json(api("/chat"), {{"text", "what's on my shopping list"}},
                               t.access_token);
  EXPECT_EQ(lower(str(read.object(), "message")).find("kiwi"), std::string::npos) << read.body;
  auto yes = http().post_json(api("/chat"), {{"text", "yes"}}, t.access_token);
  EXPECT_FALSE(yes.object().contains("action")) << "parse left a pending call: " << yes.body;

  EXPECT_EQ(http().post_json(api("/nlu/parse"), {{"text", "Call Mom"}}).status, 401);
}

TEST_F(HttpE2E, SkillsListsEveryBuiltInSkill) {
  auto t = new_user("skills");
  auto res = http().get(api("/skills"), t.access_token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto v = res.json();
  json::array skills;
  if (v.is_array()) skills = v.as_array();
  else if (v.is_object() && v.as_object().contains("skills")) skills = v.at("skills").as_array();
  ASSERT_FALSE(skills.empty()) << res.body;

  std::map<std::string, json::object> by_name;
  for (const auto& s : skills) {
    ASSERT_TRUE(s.is_object());
    by_name[str(s.as_object(), "name")] = s.as_object();
  }
  const std::vector<std::string> actions = {
      "call",          "message",        "navigation",     "alarm",      "timer",
      "reminder",      "calendar_add",   "calendar_remove", "calendar_query", "play_music",
      "media_control", "volume",         "weather",        "share_location", "find_phone",
      "open_app",      "web_search",     "device_setting"};
  const std::vector<std::string> backend = {
      "time",     "date",     "calculator", "unit_conversion", "reminder_list", "list_add",
      "list_remove", "list_read", "list_clear", "greeting",    "goodbye",       "thanks",
      "help",     "joke",     "flip_coin",  "roll_dice",       "repeat"};
  const std::set<std::string> confirmed = {"call", "message", "calendar_remove", "share_location"};
  for (const auto& name : actions) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(name)) << "missing skill " << name;
    auto& s = by_name[name];
    EXPECT_EQ(str(s, "action"), name) << dump(s);
    ASSERT_TRUE(s.contains("needs_confirmation")) << dump(s);
    EXPECT_EQ(s.at("needs_confirmation"), json::value(confirmed.count(name) > 0)) << dump(s);
    const char* examples_key = s.contains("examples") ? "examples" : "sentences";
    ASSERT_TRUE(s.contains(examples_key) && s.at(examples_key).is_array()) << dump(s);
    EXPECT_FALSE(s.at(examples_key).as_array().empty()) << dump(s);
  }
  for (const auto& name : backend) {
    EXPECT_TRUE(by_name.count(name)) << "missing skill " << name;
  }
  // The parameters an app must handle are listed.
  auto call = by_name["call"];
  const char* params_key = call.contains("parameters") ? "parameters"
                           : call.contains("params")   ? "params"
                                                       : "slots";
  EXPECT_NE(dump(call[params_key]).find("target"), std::string::npos) << dump(call);
  auto setting = by_name["device_setting"];
  EXPECT_NE(dump(setting).find("state"), std::string::npos) << dump(setting);
}

TEST_F(HttpE2E, ProbesAndMetrics) {
  EXPECT_EQ(http().get(api("/healthz")).status, 200);
  auto ready = http().get(api("/readyz"));
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto t = new_user("metrics");
  http().post_json(api("/chat"), {{"text", "hello"}}, t.access_token);
  auto m = http().get(api("/metrics"));
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("Content-Type").find("text/plain"), std::string::npos) << m.header("Content-Type");
  // Prometheus text format: comments, or "name{labels} value".
  static const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+]?([0-9.eE+-]+|NaN|[+-]?Inf)( [0-9]+)?$)");
  std::istringstream lines(m.body);
  std::string line;
  int samples = 0;
  bool typed = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      typed = typed || line.rfind("# TYPE ", 0) == 0;
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, sample)) << "not a Prometheus sample: " << line;
    ++samples;
  }
  EXPECT_TRUE(typed) << m.body;
  EXPECT_GT(samples, 0) << m.body;
}

// Issue 11: a user's contacts are bounded in count and size (max_contacts,
// max_contact_entries, max_contact_field_bytes); over a bound answers 422 naming the field,
// and the stored list stays as it was.
TEST_F(HttpE2E, ContactsOverTheCapsAreRefusedAndChangeNothing) {
  auto t = new_user("contact-caps");
  json::array kept = {{{"name", "Mom"}, {"phones", json::array{"+15551234567"}}}};
  ASSERT_EQ(http().put_json(api("/contacts"), kept, t.access_token).status, 204);
  auto refused = [&](const json::array& contacts, const std::string& names) {
    auto res = http().put_json(api("/contacts"), contacts, t.access_token);
    EXPECT_EQ(res.status, 422) << res.body;
    auto body = res.json();
    ASSERT_TRUE(body.is_object()) << res.body;
    EXPECT_EQ(str(body.as_object(), "code"), "invalid_field") << res.body;
    EXPECT_NE(str(body.as_object(), "detail").find(names), std::string::npos) << res.body;
  };
  refused({{{"name", std::string(201, 'n')}}}, "contacts[0].name");
  json::array phones;
  for (int i = 0; i < 21; ++i) phones.push_back(json::value("+1555000" + std::to_string(1000 + i)));
  refused({{{"name", "Many"}, {"phones", phones}}}, "contacts[0].phones");
  refused({{{"name", "Ok"}}, {{"name", "Long"}, {"aliases", json::array{std::string(201, 'a')}}}},
          "contacts[1].aliases[0]");
  json::array many;
  for (int i = 0; i < 1001; ++i) many.push_back(json::object{{"name", "c" + std::to_string(i)}});
  refused(many, "1000");
  auto get = http().get(api("/contacts"), t.access_token);
  ASSERT_EQ(get.status, 200);
  ASSERT_EQ(get.json().as_array().size(), 1u) << get.body;
  EXPECT_EQ(get.json().as_array()[0].as_object().at("name"), "Mom");
}

TEST_F(HttpE2E, ContactsRoundTripAndResolveCallTargets) {
  auto t = new_user("contacts");
  json::array contacts = {
      {{"name", "Mom"}, {"phones", json::array{"+15551234567"}}, {"aliases", json::array{"mother"}}},
      {{"name", "Dr. Alvarez"}, {"phones", json::array{"+15559876543", "+15550000000"}},
       {"aliases", json::array{"my doctor"}}}};
  auto put = http().put_json(api("/contacts"), contacts, t.access_token);
  ASSERT_EQ(put.status, 204) << put.body;
  auto get = http().get(api("/contacts"), t.access_token);
  ASSERT_EQ(get.status, 200) << get.body;
  auto got = get.json();
  ASSERT_TRUE(got.is_array()) << get.body;
  ASSERT_EQ(got.as_array().size(), 2u) << get.body;
  for (std::size_t i = 0; i < 2; ++i) {
    auto& want = contacts[i].as_object();
    auto& have = got.as_array()[i].as_object();
    EXPECT_EQ(have.at("name"), want.at("name")) << get.body;
    EXPECT_EQ(have.at("phones"), want.at("phones")) << get.body;
    EXPECT_EQ(have.at("aliases"), want.at("aliases")) << get.body;
  }

  WsClient ws;
  open(ws, t);
  auto r = say(ws, "call mother");
  EXPECT_EQ(str(action_of(r), "name"), "call") << dump(r);
  EXPECT_EQ(param(r, "target"), "Mom") << "the alias resolves to the stored name: " << dump(r);
  EXPECT_EQ(param(r, "number"), "+15551234567") << dump(r);
  EXPECT_EQ(str(r, "message"), "Calling Mom.") << dump(r);
  auto doc = say(ws, "call my doctor");
  EXPECT_EQ(param(doc, "target"), "Dr. Alvarez") << dump(doc);
  EXPECT_EQ(param(doc, "number"), "+15559876543") << "the first phone: " << dump(doc);

  // PUT replaces the whole list; other users never see it.
  ASSERT_EQ(http().put_json(api("/contacts"), json::array{contacts[1]}, t.access_token).status, 204);
  auto after = http().get(api("/contacts"), t.access_token);
  EXPECT_EQ(after.json().as_array().size(), 1u) << after.body;
  auto other = new_user("contacts-other");
  auto theirs = http().get(api("/contacts"), other.access_token);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.json().as_array().empty()) << theirs.body;
  EXPECT_EQ(http().get(api("/contacts")).status, 401);
}

TEST_F(HttpE2E, HistoryListsTurnsNewestFirstWithPaging) {
  auto t = new_user("history");
  WsClient ws;
  open(ws, t);
  const std::vector<std::string> said = {"hello", "Call Mom", "flip a coin"};
  for (const auto& s : said) say(ws, s);

  auto res = http().get(api("/conversations/history?limit=50"), t.access_token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto items = history_items(res);
  ASSERT_EQ(items.size(), 6u) << res.body;
  // Newest first: the answer to the last utterance, then the utterance, and so on.
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i].as_object();
    SCOPED_TRACE(dump(item));
    EXPECT_EQ(str(item, "role"), i % 2 == 0 ? "assistant" : "user");
    EXPECT_TRUE(item.contains("id"));
    EXPECT_FALSE(str(item, "created_at").empty());
    EXPECT_FALSE(str(item, "text").empty());
    if (i % 2 == 1) EXPECT_EQ(str(item, "text"), said[said.size() - 1 - i / 2]);
  }
  auto call_answer = items[2].as_object();
  EXPECT_EQ(str(call_answer, "text"), "Calling Mom.");
  ASSERT_TRUE(call_answer.contains("action") && call_answer.at("action").is_object())
      << dump(call_answer);
  EXPECT_EQ(str(call_answer.at("action").as_object(), "name"), "call");
  EXPECT_FALSE(items[0].as_object().contains("action") &&
               !items[0].as_object().at("action").is_null())
      << "a coin flip has no action: " << dump(items[0]);

  // Paging: two at a time gives the same items in the same order.
  json::array paged;
  std::string before;
  for (int page = 0; page < 5; ++page) {
    std::string target = api("/conversations/history?limit=2");
    if (!before.empty()) target += "&before=" + before;
    auto p = http().get(target, t.access_token);
    ASSERT_EQ(p.status, 200) << p.body;
    auto page_items = history_items(p);
    EXPECT_LE(page_items.size(), 2u);
    for (auto& i : page_items) paged.push_back(i);
    auto body = p.object();
    if (!body.contains("next_before") || body.at("next_before").is_null() || page_items.empty()) break;
    before = text_of(body.at("next_before"));
  }
  EXPECT_EQ(paged, items);

  // Per user.
  auto other = new_user("history-other");
  EXPECT_TRUE(history_items(http().get(api("/conversations/history"), other.access_token)).empty());

  auto del = http().del(api("/conversations/history"), t.access_token);
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(history_items(http().get(api("/conversations/history"), t.access_token)).empty());
  EXPECT_EQ(http().get(api("/conversations/history")).status, 401);
}

TEST_F(HttpE2E, KeepAliveConnectionServesManyRequests) {
  auto t = new_user("keepalive");
  HttpClient client(port(), /*keep_alive=*/true);
  for (int i = 0; i < 5; ++i) {
    auto res = client.get(api("/users/me"), t.access_token);
    EXPECT_EQ(res.status, 200) << res.body;
  }
}

// An app developer's own skill, loaded from a directory at start-up, no recompiling.
class CustomSkillE2E : public E2ETest {
 protected:
  std::vector<std::string> server_args() override {
    skills_dir_ = make_temp_dir();
    std::ofstream(skills_dir_ / "order_coffee.yaml") << R"(name: order_coffee
description: Order a coffee in the cafe app.
action: order_coffee
slots:
  drink:
    values:
      - latte
      - espresso
      - {in: [flat white, flatwhite], out: flat_white}
sentences:
  - "order (a | an) {drink}"
  - "i would like (a | an) {drink} [please]"
response: "Ordering a {drink}."
)";
    return {"--skills-dir", skills_dir_.string()};
  }
  void TearDown() override {
    E2ETest::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(skills_dir_, ec);
  }
  std::filesystem::path skills_dir_;
};

TEST_F(CustomSkillE2E, OwnSkillIsListedAndAnswers) {
  auto t = new_user("custom");
  auto skills = http().get(api("/skills"), t.access_token);
  ASSERT_EQ(skills.status, 200);
  EXPECT_NE(skills.body.find("order_coffee"), std::string::npos) << skills.body;
  EXPECT_NE(skills.body.find("\"call\""), std::string::npos) << "built-ins are still loaded";
  WsClient ws;
  open(ws, t);
  auto r = say(ws, "order a latte");
  EXPECT_EQ(str(r, "intent"), "order_coffee") << dump(r);
  EXPECT_EQ(str(action_of(r), "name"), "order_coffee") << dump(r);
  EXPECT_EQ(params_of(r), (json::object{{"drink", "latte"}})) << dump(r);
  EXPECT_EQ(action_of(r)["needs_confirmation"], json::value(false)) << dump(r);
  EXPECT_EQ(str(r, "message"), "Ordering a latte.") << dump(r);
  auto synonym = say(ws, "I would like a flat white please");
  EXPECT_EQ(param(synonym, "drink"), "flat_white") << dump(synonym);
  // The built-ins still answer next to it.
  auto call = say(ws, "Call Mom");
  EXPECT_EQ(str(action_of(call), "name"), "call") << dump(call);
}

}  // namespace
}  // namespace hark::e2e
