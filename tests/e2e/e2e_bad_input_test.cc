// Bad input never crashes the server, never loses data, and (apart from an oversized
// frame) never costs the client its connection. PROTOCOL.md "Rules".
#include "e2e_fixture.h"

#include <vector>

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class BadInputE2E : public E2ETest {
 protected:
  void SetUp() override {
    E2ETest::SetUp();
    tokens_ = new_user("bad");
    // Something stored before the abuse, checked at the end.
    auto r = http().post_json(api("/chat"), {{"text", "add saffron to my shopping list"}},
                              tokens_.access_token);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void TearDown() override {
    if (server_ && server_->alive()) {
      EXPECT_EQ(http().get(api("/healthz")).status, 200) << "the server stopped answering";
      auto history = http().get(api("/conversations/history?limit=200"), tokens_.access_token);
      EXPECT_EQ(history.status, 200);
      EXPECT_NE(history.body.find("add saffron to my shopping list"), std::string::npos)
          << "earlier history lost: " << history.body;
      auto list = http().post_json(api("/chat"), {{"text", "what's on my shopping list"}},
                                   tokens_.access_token);
      EXPECT_NE(lower(list.body).find("saffron"), std::string::npos) << list.body;
    } else if (server_) {
      ADD_FAILURE() << "hark died; log:\n" << server_->log_tail();
    }
    E2ETest::TearDown();
  }

  // The connection still works: ping -> pong, then an utterance gets its response.
  void expect_still_usable(WsClient& ws) {
    expect_pong(ws);
    auto r = say(ws, "flip a coin");
    EXPECT_EQ(str(r, "type"), "response") << dump(r);
    EXPECT_EQ(str(r, "intent"), "flip_coin") << dump(r);
  }

  // An error message: type "error", a code and a detail, never a message or an action.
  static void expect_error_message(const WsMessage& m, std::string_view what) {
    ASSERT_TRUE(m.is_json()) << what << ": " << m.describe();
    EXPECT_EQ(m.type(), "error") << what << ": " << m.describe();
    EXPECT_FALSE(str(m.object, "code").empty()) << what << ": " << m.describe();
    EXPECT_FALSE(str(m.object, "detail").empty()) << what << ": " << m.describe();
    EXPECT_FALSE(m.object.contains("message")) << what << ": errors never carry message";
    EXPECT_FALSE(m.object.contains("action")) << what;
  }

  Tokens tokens_;
};

TEST_F(BadInputE2E, MalformedWebSocketMessagesGetErrorsAndTheConnectionStays) {
  WsClient ws;
  open(ws, tokens_);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"malformed JSON", R"({"type": "text", "content": )"},
      {"not JSON at all", "hello there"},
      {"a JSON array", R"(["text", "Call Mom"])"},
      {"a JSON string", R"("Call Mom")"},
      {"unknown type", R"({"type": "teleport"})"},
      {"type not a string", R"({"type": 7, "content": "hi"})"},
      {"content a number", R"({"type": "text", "content": 42})"},
      {"content missing", R"({"type": "text"})"},
      {"empty text", R"({"type": "text", "content": ""})"},
      {"confirm without action_id", R"({"type": "confirm", "confirmed": true})"},
      {"confirmed not a bool", R"({"type": "confirm", "action_id": "x", "confirmed": "yes"})"},
      {"config with a bad timezone type", R"({"type": "config", "timezone": 5})"},
      {"empty object", R"({})"},
  };
  for (const auto& [what, frame] : cases) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(ws.send_text(frame));
    expect_error_message(ws.read(), what);
    expect_still_usable(ws);
  }
}

TEST_F(BadInputE2E, HugeTextIsRefusedButTheConnectionStays) {
  WsClient ws;
  open(ws, tokens_);
  std::string words;
  while (words.size() < 200 * 1024) words += "call mom ";
  ASSERT_TRUE(ws.send_json({{"type", "text"}, {"content", words}}));
  auto m = ws.read();
  expect_error_message(m, "huge text");
  EXPECT_EQ(str(m.object, "code"), "too_large") << m.describe();
  expect_still_usable(ws);
}

TEST_F(BadInputE2E, ErrorsEchoTheClientId) {
  WsClient ws;
  open(ws, tokens_);
  ASSERT_TRUE(ws.send_json({{"type", "teleport"}, {"id", "client-7"}}));
  auto m = ws.read();
  expect_error_message(m, "unknown type");
  EXPECT_EQ(str(m.object, "in_reply_to"), "client-7") << m.describe();
  ASSERT_TRUE(ws.send_json({{"type", "text"}, {"content", 42}, {"id", "client-8"}}));
  auto m2 = ws.read();
  expect_error_message(m2, "content a number");
  EXPECT_EQ(str(m2.object, "in_reply_to"), "client-8") << m2.describe();
  EXPECT_EQ(str(m2.object, "code"), "invalid_field") << m2.describe();
  // A good message with an id still gets its response.
  auto r = exchange(ws, {{"type", "text"}, {"content", "hello"}, {"id", "client-9"}});
  EXPECT_EQ(str(r, "type"), "response") << dump(r);
  expect_still_usable(ws);
}

TEST_F(BadInputE2E, AudioWithoutSpeechNeverBreaksTheSession) {
  // Until speech recognition is wired in, audio must answer an error; afterwards a
  // transcript and a response. Either way only a response carries "message".
  WsClient ws;
  open(ws, tokens_);
  auto drain_turn = [&](std::string_view what) {
    for (int i = 0; i < 10; ++i) {
      auto m = ws.read();
      ASSERT_TRUE(m.is_json()) << what << ": " << m.describe();
      if (m.type() != "response") {
        EXPECT_FALSE(m.object.contains("message")) << what << ": " << m.describe();
      }
      if (m.type() == "error" || m.type() == "response") return;
    }
    ADD_FAILURE() << what << ": no error and no response";
  };
  ASSERT_TRUE(ws.send_json({{"type", "audio"}, {"content", "AAAAAAAAAAAAAAAA"}}));
  ASSERT_TRUE(ws.send_json({{"type", "audio_end"}}));
  drain_turn("base64 audio");
  expect_still_usable(ws);

  std::vector<std::uint8_t> silence(3200, 0);
  ASSERT_TRUE(ws.send_binary(silence));
  ASSERT_TRUE(ws.send_json({{"type", "audio_end"}}));
  drain_turn("binary audio");
  expect_still_usable(ws);

  ASSERT_TRUE(ws.send_json({{"type", "audio"}, {"content", "%%% not base64 %%%"}, {"id", "a-1"}}));
  auto bad = ws.read();
  expect_error_message(bad, "undecodable audio");
  EXPECT_EQ(str(bad.object, "in_reply_to"), "a-1") << bad.describe();
  ASSERT_TRUE(ws.send_json({{"type", "cancel"}}));
  expect_still_usable(ws);
}

TEST_F(BadInputE2E, FrameOverOneMebibyteClosesWith1009) {
  WsClient ws;
  open(ws, tokens_);
  std::string big = R"({"type":"text","content":")" + std::string(1024 * 1024 + 64, 'a') + "\"}";
  ws.send_text(big);  // the server may close before it has read it all
  auto m = ws.read();
  ASSERT_TRUE(m.is_closed()) << m.describe();
  EXPECT_EQ(m.close_code, 1009) << m.describe();
  // Only that connection ends.
  WsClient again;
  open(again, tokens_);
  expect_still_usable(again);
}

TEST_F(BadInputE2E, MessageFloodClosesWith1008) {
  WsClient ws;
  open(ws, tokens_);
  // Far beyond the default 50 messages a second (bursts of 100): abuse ends the connection.
  int sent = 0;
  for (; sent < 2000; ++sent) {
    if (!ws.send_json({{"type", "ping"}})) break;
  }
  WsMessage m;
  for (int i = 0; i < 2100; ++i) {
    m = ws.read(std::chrono::seconds(5));
    if (!m.is_json()) break;
    ASSERT_NE(m.type(), "response") << m.describe();
  }
  ASSERT_TRUE(m.is_closed()) << "after " << sent << " pings: " << m.describe();
  EXPECT_EQ(m.close_code, 1008) << m.describe();
  WsClient again;
  open(again, tokens_);
  expect_still_usable(again);
}

TEST_F(BadInputE2E, InvalidUtf8NeverCrashes) {
  WsClient ws;
  open(ws, tokens_);
  // RFC 6455 lets a server close a text frame of invalid UTF-8 with 1007; answering an
  // error and staying open is fine too. Anything else is not.
  ASSERT_TRUE(ws.send_text("{\"type\":\"text\",\"content\":\"caf\xC3\x28 \xFF\xFE\"}"));
  auto m = ws.read();
  if (m.is_closed()) {
    EXPECT_EQ(m.close_code, 1007) << m.describe();
    WsClient again;
    open(again, tokens_);
    expect_still_usable(again);
  } else {
    expect_error_message(m, "invalid UTF-8");
    expect_still_usable(ws);
  }
}

TEST_F(BadInputE2E, HttpMalformedJsonIs400) {
  for (const char* route : {"/chat", "/auth/register", "/auth/token", "/nlu/parse"}) {
    SCOPED_TRACE(route);
    auto res = http().request("POST", api(route), R"({"text": )", "application/json",
                              {{"Authorization", "Bearer " + tokens_.access_token}});
    EXPECT_EQ(res.status, 400) << res.body;
    auto body = res.object();
    EXPECT_EQ(str(body, "code"), "bad_request") << res.body;
    EXPECT_FALSE(str(body, "detail").empty()) << res.body;
  }
}

TEST_F(BadInputE2E, HttpWrongTypesAre422) {
  auto auth = Headers{{"Authorization", "Bearer " + tokens_.access_token}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/chat", R"({"text": 5})"},
      {"/chat", R"({})"},
      {"/chat", R"(["Call Mom"])"},
      {"/chat", R"({"text": ""})"},
      {"/nlu/parse", R"({"text": null})"},
      {"/auth/register", R"({"email": 5, "password": true})"},
      {"/auth/register", R"({"email": "x@example.com"})"},
      {"/auth/refresh", R"({"refresh_token": 12})"},
  };
  for (const auto& [route, body] : cases) {
    SCOPED_TRACE(route + " " + body);
    auto res = http().request("POST", api(route), body, "application/json", auth);
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(str(res.object(), "code"), "invalid_field") << res.body;
  }
  auto contacts = http().request("PUT", api("/contacts"), R"({"name": "Mom"})", "application/json",
                                 auth);
  EXPECT_EQ(contacts.status, 422) << contacts.body;
  auto contacts2 = http().request("PUT", api("/contacts"), R"([{"name": 3, "phones": "x"}])",
                                  "application/json", auth);
  EXPECT_EQ(contacts2.status, 422) << contacts2.body;
}

TEST_F(BadInputE2E, HttpOversizedBodyIs413) {
  std::string huge = R"({"text": ")" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  for (const char* route : {"/chat", "/auth/register"}) {
    SCOPED_TRACE(route);
    auto res = http().request("POST", api(route), huge, "application/json",
                              {{"Authorization", "Bearer " + tokens_.access_token}});
    EXPECT_EQ(res.status, 413) << res.body.substr(0, 300);
    EXPECT_EQ(str(res.object(), "code"), "too_large") << res.body.substr(0, 300);
  }
}

TEST_F(BadInputE2E, HttpMissingTokenIs401AndUnknownRouteIs404) {
  for (const char* route : {"/users/me", "/conversations/history", "/contacts", "/skills"}) {
    SCOPED_TRACE(route);
    auto res = http().get(api(route));
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(str(res.object(), "code"), "invalid_token") << res.body;
    EXPECT_NE(res.header("WWW-Authenticate").find("Bearer"), std::string::npos);
  }
  for (const char* route : {"/api/v1/no/such/route", "/api/v2/chat", "/nothing-here"}) {
    SCOPED_TRACE(route);
    auto res = http().get(route, tokens_.access_token);
    EXPECT_EQ(res.status, 404) << res.body;
    EXPECT_EQ(str(res.object(), "code"), "not_found") << res.body;
    EXPECT_FALSE(str(res.object(), "detail").empty()) << res.body;
  }
}

TEST_F(BadInputE2E, GarbageOnTheSocketIsSurvived) {
  // Not HTTP at all, then a request line with a absurd header: the server answers or
  // drops the connection, and keeps serving others.
  for (const char* method : {"BREW", "G\x01T"}) {
    SCOPED_TRACE(method);
    try {
      auto res = http().request(method, api("/healthz"));
      EXPECT_GE(res.status, 400) << res.body;
    } catch (const std::exception&) {
      // Dropping the connection is a fine answer to garbage.
    }
  }
  std::string header_value(100 * 1024, 'h');
  try {
    auto res = http().request("GET", api("/healthz"), {}, {}, {{"X-Huge", header_value}});
    EXPECT_GE(res.status, 400);
  } catch (const std::exception&) {
  }
  EXPECT_EQ(http().get(api("/healthz")).status, 200);
}

}  // namespace
}  // namespace hark::e2e
