// What survives a restart (history, tokens, revocations) and how SIGTERM ends connections.
#include "e2e_fixture.h"

namespace hark::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class RestartE2E : public E2ETest {};

json::array items_of(const HttpResponse& res) {
  auto body = res.object();
  if (!body.contains("items") || !body.at("items").is_array()) {
    ADD_FAILURE() << "no items: " << res.body;
    return {};
  }
  return body.at("items").as_array();
}

TEST_F(RestartE2E, HistoryAndTokensSurviveARestart) {
  auto email = unique_email("restart");
  auto t = register_and_login(port(), email);
  auto revoked = form_login(port(), email, "correct horse battery");
  ASSERT_EQ(revoked.status, 200);
  auto revoked_access = str(revoked.object(), "access_token");
  ASSERT_EQ(http().request("POST", api("/auth/logout"), {}, {},
                           {{"Authorization", "Bearer " + revoked_access}})
                .status,
            204);
  {
    WsClient ws;
    open(ws, t);
    say(ws, "Call Mom");
    say(ws, "add lentils to my shopping list");
    ws.close();
  }
  ASSERT_EQ(http().put_json(api("/contacts"),
                            json::array{{{"name", "Mom"}, {"phones", json::array{"+15551112222"}},
                                         {"aliases", json::array{"mother"}}}},
                            t.access_token)
                .status,
            204);
  auto before = http().get(api("/conversations/history"), t.access_token);
  ASSERT_EQ(items_of(before).size(), 4u) << before.body;

  int rc = server().restart();
  EXPECT_EQ(rc, 0) << "exit status on SIGTERM; log:\n" << server().log_tail();

  // Tokens issued before the restart still work (the signing secret is kept).
  auto me = http().get(api("/users/me"), t.access_token);
  EXPECT_EQ(me.status, 200) << me.body;
  auto after = http().get(api("/conversations/history"), t.access_token);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.object().at("items"), before.object().at("items"));
  // Logouts stay in force.
  EXPECT_EQ(http().get(api("/users/me"), revoked_access).status, 401);
  // Contacts and lists are back too.
  WsClient ws;
  open(ws, t);
  auto call = say(ws, "call mother");
  EXPECT_EQ(param(call, "target"), "Mom") << dump(call);
  auto list = say(ws, "what's on my shopping list");
  EXPECT_NE(lower(str(list, "message")).find("lentils"), std::string::npos) << dump(list);
  // The refresh token too.
  auto refreshed = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  EXPECT_EQ(refreshed.status, 200) << refreshed.body;
}

TEST_F(RestartE2E, SigtermClosesOpenWebSocketsWith1001AndExitsZero) {
  auto t = new_user("sigterm");
  WsClient ws;
  open(ws, t);
  auto r = say(ws, "Call Mom");
  ASSERT_EQ(str(r, "type"), "response");
  WsClient idle;  // a second, quiet connection
  open(idle, t);

  server().terminate();
  auto m = ws.read(12s);
  ASSERT_TRUE(m.is_closed()) << m.describe();
  EXPECT_EQ(m.close_code, 1001) << m.describe();
  auto m2 = idle.read(12s);
  ASSERT_TRUE(m2.is_closed()) << m2.describe();
  EXPECT_EQ(m2.close_code, 1001) << m2.describe();
  int rc = server().wait_exit(15s);
  EXPECT_EQ(rc, 0) << "exit status after SIGTERM; log:\n" << server().log_tail();

  server().start();
  auto history = http().get(api("/conversations/history"), t.access_token);
  ASSERT_EQ(history.status, 200) << history.body;
  auto items = items_of(history);
  ASSERT_EQ(items.size(), 2u) << history.body;
  EXPECT_EQ(str(items[1].as_object(), "text"), "Call Mom");
  EXPECT_EQ(str(items[0].as_object(), "text"), "Calling Mom.");
}

TEST_F(RestartE2E, SigtermWhileIdleExitsQuickly) {
  auto t = new_user("idle");
  HttpClient keep(port(), /*keep_alive=*/true);
  ASSERT_EQ(keep.get(api("/users/me"), t.access_token).status, 200);  // an open keep-alive
  auto start = std::chrono::steady_clock::now();
  int rc = server().stop();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(rc, 0) << server().log_tail();
  // An idle keep-alive connection must not hold the exit for the whole drain time.
  EXPECT_LT(took, 5s) << "SIGTERM took "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms";
}

}  // namespace
}  // namespace hark::e2e
