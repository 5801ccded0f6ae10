// The WebSocket text-message table of WsConnection: each type reaches its handler, an
// unknown type and a message missing a required field answer the documented error, and
// every error is counted once in the metrics. Real store, dialog and auth; no speech.
#include "server/ws_protocol.h"

#include "../dialog/fixture.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace hark::server {
namespace {

namespace json = boost::json;

auth::Options auth_options() {
  auth::Options o;
  o.secret = std::string(32, 's');
  o.hash_cost = auth::HashCost::minimum;
  return o;
}

class WsProtocolTest : public ::testing::Test {
 protected:
  WsProtocolTest() : auth_(auth_options(), *world_.store, world_.clock) {
    auth_.create_user("bo@example.com", "correct horse battery", "Bo").value();
    token_ = auth_.login("bo@example.com", "correct horse battery", "192.0.2.1").value().access_token;
    who_ = auth_.verify(token_).value();
    ws_ = std::make_unique<WsConnection>(
        options_, Deps{auth_, *world_.store, *world_.engine, world_.registry, world_.clock, nullptr},
        metrics_, who_);
  }

  // The frames answering one text message, parsed.
  std::vector<json::object> send(const json::object& msg) {
    last_ = ws_->on_text(json::serialize(msg));
    std::vector<json::object> out;
    for (const auto& m : last_.messages) out.push_back(json::parse(m).as_object());
    return out;
  }
  // The one error frame answering `msg`: its code.
  std::string error_code(const json::object& msg) {
    auto out = send(msg);
    if (out.size() != 1 || out[0].at("type") != "error") return "<no single error>";
    EXPECT_FALSE(out[0].contains("message"));
    return std::string(out[0].at("code").as_string());
  }

  dialog::testing::World world_;
  auth::AuthService auth_;
  Options options_;
  Metrics metrics_;
  std::string token_;
  auth::Principal who_;
  std::unique_ptr<WsConnection> ws_;
  WsOutput last_;
};

TEST_F(WsProtocolTest, TheTableHoldsEveryClientMessageOfTheProtocol) {
  std::vector<std::string_view> expected = {"ping",   "auth",    "text",          "audio", "audio_end",
                                            "config", "confirm", "action_result", "cancel"};
  EXPECT_EQ(WsConnection::text_types(), expected);
}

TEST_F(WsProtocolTest, EachTypeReachesItsHandler) {
  EXPECT_EQ(send({{"type", "ping"}}), (std::vector<json::object>{{{"type", "pong"}}}));
  EXPECT_TRUE(send({{"type", "auth"}, {"token", token_}}).empty());  // re-auth, silent

  auto said = send({{"type", "text"}, {"content", "Call Mom"}});
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].at("type"), "response");
  EXPECT_EQ(said[0].at("message"), "Calling Mom.");
  ASSERT_TRUE(last_.stored);
  ASSERT_TRUE(last_.stored->wait());
  std::string action_id(said[0].at("action").at("id").as_string());

  auto untyped = send({{"content", "what time is it"}});  // content without type is text
  ASSERT_EQ(untyped.size(), 1u);
  EXPECT_EQ(untyped[0].at("intent"), "time");

  // Speech is off here: audio and audio_end reach the speech side, which says so.
  EXPECT_EQ(error_code({{"type", "audio"}, {"content", "AAAA"}}), "speech_unavailable");
  EXPECT_TRUE(send({{"type", "audio_end"}}).empty());  // that utterance had its error already
  EXPECT_EQ(error_code({{"type", "audio_end"}}), "speech_unavailable");  // no audio at all

  EXPECT_TRUE(send({{"type", "config"}, {"timezone", "Europe/Paris"}}).empty());
  EXPECT_EQ(error_code({{"type", "config"}, {"timezone", "Nowhere/Special"}}), "invalid_field");
  EXPECT_EQ(error_code({{"type", "confirm"}, {"action_id", "act_other"}, {"confirmed", true}}),
            "not_found");
  EXPECT_TRUE(send({{"type", "action_result"}, {"action_id", action_id}, {"status", "done"}}).empty());
  auto history = world_.store->history(who_.user_id, 10, 0);
  ASSERT_TRUE(history);
  ASSERT_FALSE(history->empty());
  EXPECT_EQ(history->front().text, "[action call done]");
  EXPECT_TRUE(send({{"type", "cancel"}}).empty());
}

TEST_F(WsProtocolTest, UnknownTypeAnswersUnknownTypeWithTheClientId) {
  auto out = send({{"type", "dance"}, {"id", "c-7"}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].at("code"), "unknown_type");
  EXPECT_EQ(out[0].at("in_reply_to"), "c-7");
  EXPECT_EQ(error_code({{"type", ""}}), "unknown_type");
  EXPECT_EQ(last_.close_code, 0);  // the connection stays open
}

TEST_F(WsProtocolTest, MalformedMessagesAnswerTheDocumentedErrors) {
  last_ = ws_->on_text("{not json");
  ASSERT_EQ(last_.messages.size(), 1u);
  EXPECT_EQ(json::parse(last_.messages[0]).at("code"), "bad_request");
  EXPECT_EQ(error_code({{"id", 1}}), "bad_request");            // no type, no content
  EXPECT_EQ(error_code({{"type", 3}}), "invalid_field");        // type not a string
  EXPECT_EQ(error_code({{"type", "text"}}), "invalid_field");   // no content
  EXPECT_EQ(error_code({{"type", "auth"}}), "invalid_field");   // no token
  EXPECT_EQ(error_code({{"type", "auth"}, {"token", "forged"}}), "invalid_token");
  EXPECT_EQ(error_code({{"type", "confirm"}, {"action_id", "a"}}), "invalid_field");  // no confirmed
  EXPECT_EQ(error_code({{"type", "confirm"}, {"confirmed", true}}), "invalid_field");  // no action_id
  EXPECT_EQ(error_code({{"type", "action_result"}, {"action_id", "a"}, {"status", "maybe"}}),
            "invalid_field");
  EXPECT_EQ(error_code({{"type", "audio"}, {"content", "***"}}), "invalid_field");  // not base64
  EXPECT_EQ(error_code({{"type", "config"}, {"audio", {{"sample_rate", 5}}}}), "invalid_field");
  EXPECT_EQ(last_.close_code, 0);
}

TEST_F(WsProtocolTest, AnEndedLoginClosesOnlyMessagesThatNeedIt) {
  auth_.logout(who_).value();
  EXPECT_EQ(send({{"type", "ping"}}).size(), 1u);  // no login check
  EXPECT_EQ(error_code({{"type", "text"}, {"content", "hi"}}), "invalid_token");
  EXPECT_EQ(last_.close_code, kCloseUnauthorized);
}

TEST_F(WsProtocolTest, EachErrorIsCountedOnce) {
  send({{"type", "dance"}});
  send({{"type", "dance"}});
  error_code({{"type", "audio_end"}});
  std::string text = metrics_.render();
  EXPECT_NE(text.find("hark_errors_total{code=\"unknown_type\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hark_errors_total{code=\"speech_unavailable\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, AnErrorCodeIsCountedOncePerRecord) {
  Metrics m;
  m.record_error(errc_name(Errc::busy));
  std::string text = m.render();
  EXPECT_NE(text.find("hark_errors_total{code=\"busy\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace hark::server
