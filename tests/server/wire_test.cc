// The wire encoder against PROTOCOL.md: each example message built from typed values and
// compared field for field (and, where clients may compare text, byte for byte), and the
// error table: every code the protocol names is an Errc with the documented HTTP status.
#include "server/wire.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

namespace hark::server {
namespace {

namespace json = boost::json;

json::object parsed(const std::string& frame) { return json::parse(frame).as_object(); }

dialog::Reply guide_reply() {
  dialog::Reply r;
  r.id = "resp_1";
  r.turn_id = "turn_1";
  r.message = "Calling Mom.";
  r.action = dialog::Action{"act_1", "call", {{"target", nlu::Text{"Mom"}}}, std::nullopt, true, std::nullopt};
  r.intent = "call";
  r.expects_reply = true;
  return r;
}

TEST(Wire, ResponseIsTheGuideExample) {
  auto o = parsed(response_frame(guide_reply()));
  EXPECT_EQ(o.size(), 7u);
  EXPECT_EQ(o.at("type"), "response");
  EXPECT_EQ(o.at("id"), "resp_1");
  EXPECT_EQ(o.at("turn_id"), "turn_1");
  EXPECT_EQ(o.at("message"), "Calling Mom.");
  const auto& a = o.at("action").as_object();
  EXPECT_EQ(a.at("id"), "act_1");
  EXPECT_EQ(a.at("name"), "call");
  EXPECT_EQ(a.at("params"), (json::object{{"target", "Mom"}}));
  EXPECT_EQ(a.at("needs_confirmation"), true);
  EXPECT_EQ(o.at("intent"), "call");
  EXPECT_EQ(o.at("expects_reply"), true);
  EXPECT_FALSE(o.contains("transcript"));
}

TEST(Wire, ResponseTextKeepsItsKeyOrder) {
  auto r = guide_reply();
  r.transcript = "call mom";
  EXPECT_EQ(response_frame(r),
            R"({"type":"response","id":"resp_1","turn_id":"turn_1","message":"Calling Mom.",)"
            R"("action":{"id":"act_1","name":"call","params":{"target":"Mom"},"needs_confirmation":true},)"
            R"("intent":"call","expects_reply":true,"transcript":"call mom"})");
  EXPECT_EQ(json::value(response_json(r)), json::parse(response_frame(r)));
}

// Each slot type as the client gets it, in the skill's slot order, the contact's number last.
TEST(Wire, ActionParamsKeepTheirTypesAndOrder) {
  dialog::Action a{"act_2", "plan",
                   {{"when", nlu::DateTime{"2026-11-26T09:00"}},
                    {"at", nlu::Time{"07:30"}},
                    {"day", nlu::Date{"2026-11-27"}},
                    {"for", nlu::Duration{600}},
                    {"mins", nlu::Duration{45, true}},
                    {"level", nlu::Number{2.5}},
                    {"target", nlu::Text{"Mom"}},
                    {"none", std::monostate{}}},
                   std::string("+15550100"), false, std::nullopt};
  EXPECT_EQ(action_text(a),
            R"({"id":"act_2","name":"plan","params":{"when":"2026-11-26T09:00","at":"07:30","day":"2026-11-27",)"
            R"("for":600,"mins":45,"level":2.5E0,"target":"Mom","none":null,"number":"+15550100"},)"
            R"("needs_confirmation":false})");
  EXPECT_EQ(json::value(action_json(a)), json::parse(action_text(a)));
  EXPECT_EQ(slot_value_json(nlu::Number{40}), json::value(40.0));
}

// A follow-up's action names the action it changes; a new one has no "replaces" key.
TEST(Wire, AnActionThatChangesAnotherNamesIt) {
  dialog::Action a{"act_3", "alarm", {{"time", nlu::Time{"07:30"}}}, std::nullopt, false, std::string("act_2")};
  EXPECT_EQ(action_json(a).at("replaces"), "act_2");
  a.replaces.reset();
  EXPECT_FALSE(action_json(a).contains("replaces"));
}

TEST(Wire, ResponseWithoutActionHasNoActionKey) {
  dialog::Reply r{"resp_2", "turn_2", "It is 14:05.", std::nullopt, "time", false, std::nullopt};
  auto o = parsed(response_frame(r));
  EXPECT_FALSE(o.contains("action"));
  EXPECT_EQ(o.at("expects_reply"), false);  // always present
  EXPECT_EQ(o.at("intent"), "time");
}

TEST(Wire, Ready) {
  auto o = parsed(ready_frame("ws_1", 42, "ana@example.com"));
  EXPECT_EQ(o, (json::object{{"type", "ready"},
                             {"session_id", "ws_1"},
                             {"user", json::object{{"id", 42}, {"email", "ana@example.com"}}},
                             {"protocol", 1}}));
}

TEST(Wire, TranscriptPongAndAudio) {
  EXPECT_EQ(parsed(transcript_frame("turn_1", "call mom", false)),
            (json::object{{"type", "transcript"}, {"turn_id", "turn_1"}, {"text", "call mom"}, {"final", false}}));
  EXPECT_EQ(parsed(transcript_frame("turn_1", "", true)).at("final"), true);
  EXPECT_EQ(parsed(pong_frame()), (json::object{{"type", "pong"}}));
  EXPECT_EQ(parsed(audio_frame("UklGRg==", "turn_1")),
            (json::object{{"type", "audio"}, {"format", "wav"}, {"content", "UklGRg=="}, {"turn_id", "turn_1"}}));
}

TEST(Wire, WebSocketErrorEchoesTheClientIdAndHasNoMessage) {
  auto plain = parsed(ws_error_frame(Errc::unknown_type, "Unknown message type \"x\"."));
  EXPECT_EQ(plain, (json::object{{"type", "error"}, {"code", "unknown_type"}, {"detail", "Unknown message type \"x\"."}}));
  json::value number = 7, text = "c-1", null = nullptr;
  auto with = parsed(ws_error_frame(Errc::busy, "busy", std::string("turn_9"), &number));
  EXPECT_EQ(with.at("turn_id"), "turn_9");
  EXPECT_EQ(with.at("in_reply_to"), 7);
  EXPECT_EQ(parsed(ws_error_frame(Errc::bad_audio, "d", {}, &text)).at("in_reply_to"), "c-1");
  EXPECT_FALSE(parsed(ws_error_frame(Errc::bad_audio, "d", {}, &null)).contains("in_reply_to"));
  EXPECT_FALSE(with.contains("message"));
}

TEST(Wire, HttpErrorBody) {
  EXPECT_EQ(http_error_body(make_error(Errc::email_taken, "That email is taken.")),
            (json::object{{"detail", "That email is taken."}, {"code", "email_taken"}}));
  // The store's own words never reach a client.
  auto internal = http_error_body(make_error(Errc::internal, "SQL logic error near x"));
  EXPECT_EQ(internal.at("code"), "internal");
  EXPECT_EQ(internal.at("detail").as_string().find("SQL"), json::string::npos);
}

TEST(Wire, ParseBodySlotsAreValueAndRaw) {
  dialog::ParseReply p;
  p.intent = "timer";
  p.slots["duration_seconds"] = nlu::Slot{nlu::Duration{600}, "ten minutes"};
  p.confidence = 0.5;
  EXPECT_EQ(parse_json(p),
            (json::object{{"intent", "timer"},
                          {"slots", json::object{{"duration_seconds", json::object{{"value", 600}, {"raw", "ten minutes"}}}}},
                          {"confidence", 0.5}}));
}

TEST(Wire, ParseBodyNamesTheChoicesOfAnAskBackOnly) {
  dialog::ParseReply p;
  p.intent = "fallback";
  p.choices = {"timer", "unit_conversion"};
  EXPECT_EQ(parse_json(p).at("choices"), (json::array{"timer", "unit_conversion"}));
  p.choices.clear();
  EXPECT_FALSE(parse_json(p).contains("choices"));
}

TEST(Wire, HistoryAndContacts) {
  std::vector<store::Turn> turns(2);
  turns[0] = {7, 1, "assistant", "Calling Mom.", R"({"name":"call"})", 1772357400};
  turns[1] = {6, 1, "user", "Call Mom", "", 1772357400};
  auto h = history_json(turns, 6);
  const auto& items = h.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], (json::object{{"id", 7}, {"role", "assistant"}, {"text", "Calling Mom."},
                                    {"created_at", "2026-03-01T09:30:00Z"},
                                    {"action", json::object{{"name", "call"}}}}));
  EXPECT_FALSE(items[1].as_object().contains("action"));
  EXPECT_EQ(h.at("next_before"), 6);
  EXPECT_TRUE(history_json({}, std::nullopt).at("next_before").is_null());

  store::Contact mom;
  mom.name = "Mom";
  mom.phones = {"+15550100"};
  EXPECT_EQ(json::value(contacts_json({mom})),
            (json::array{json::object{{"name", "Mom"}, {"phones", json::array{"+15550100"}}, {"aliases", json::array{}}}}));
}

// PROTOCOL.md, "Errors (HTTP)" and "Speech in practice"/"Rules": each code it names, with
// the status it gives (WebSocket-only codes: the status an HTTP answer would carry).
TEST(Wire, EveryProtocolCodeIsAnErrcWithItsStatus) {
  const std::vector<std::pair<std::string, int>> documented = {
      {"bad_request", 400},  {"invalid_credentials", 401}, {"invalid_token", 401},
      {"not_found", 404},    {"email_taken", 409},         {"too_large", 413},
      {"invalid_field", 422}, {"rate_limited", 429},       {"internal", 500},
      {"unavailable", 503},  {"busy", 503},                {"bad_audio", 400},
      {"speech_unavailable", 503}, {"unknown_type", 400},  {"forbidden", 403},
  };
  for (const auto& [name, status] : documented) {
    auto code = errc_from_name(name);
    ASSERT_TRUE(code) << name << " is no Errc";
    EXPECT_EQ(errc_name(*code), name);
    EXPECT_EQ(http_status(*code), status) << name;
  }
  EXPECT_FALSE(errc_from_name("no_such_code"));
  // The table has one row per Errc and no code twice.
  std::set<std::string_view> names;
  for (const auto& row : errc_table()) EXPECT_TRUE(names.insert(errc_name(row.code)).second);
  EXPECT_EQ(names.size(), documented.size());
}

}  // namespace
}  // namespace hark::server
