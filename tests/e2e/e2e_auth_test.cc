// Accounts and tokens over real HTTP: PROTOCOL.md "Authentication".
#include "e2e_fixture.h"
#include "jwt_forge.h"

#include <chrono>
#include <thread>

namespace hark::e2e {
namespace {

namespace json = boost::json;

class AuthE2E : public E2ETest {};

void expect_error(const HttpResponse& res, int status, std::string_view code) {
  EXPECT_EQ(res.status, status) << res.body;
  auto body = res.json();
  ASSERT_TRUE(body.is_object()) << res.body;
  EXPECT_EQ(str(body.as_object(), "code"), code) << res.body;
  EXPECT_FALSE(str(body.as_object(), "detail").empty()) << "detail must be a sentence: " << res.body;
}

void expect_bearer_challenge(const HttpResponse& res) {
  EXPECT_EQ(res.status, 401) << res.body;
  EXPECT_NE(res.header("WWW-Authenticate").find("Bearer"), std::string::npos)
      << "401 without WWW-Authenticate: Bearer";
}

TEST_F(AuthE2E, RegisterAnswers201WithTheAccount) {
  auto email = unique_email("reg");
  const std::string password = "a fine long passphrase";
  auto res = http().post_json(api("/auth/register"),
                              {{"email", email}, {"password", password}, {"display_name", "Ada"}});
  ASSERT_EQ(res.status, 201) << res.body;
  auto body = res.object();
  ASSERT_TRUE(body.contains("id")) << res.body;
  EXPECT_TRUE(body.at("id").is_string() || body.at("id").is_number()) << res.body;
  EXPECT_EQ(str(body, "email"), email);
  EXPECT_EQ(str(body, "display_name"), "Ada");
  EXPECT_FALSE(str(body, "created_at").empty()) << res.body;
  EXPECT_EQ(res.body.find(password), std::string::npos) << "the password is echoed";
  EXPECT_EQ(res.body.find("argon2"), std::string::npos) << "the hash is exposed";
  EXPECT_NE(res.header("Content-Type").find("application/json"), std::string::npos);
}

TEST_F(AuthE2E, DuplicateEmailIs409EmailTaken) {
  auto email = unique_email("dup");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "password-1"}})
                .status,
            201);
  auto again =
      http().post_json(api("/auth/register"), {{"email", email}, {"password", "password-2"}});
  expect_error(again, 409, "email_taken");
  // Emails are kept lower case: another spelling is the same address.
  std::string upper = email;
  upper[0] = static_cast<char>(std::toupper(upper[0]));
  auto shouted =
      http().post_json(api("/auth/register"), {{"email", upper}, {"password", "password-3"}});
  expect_error(shouted, 409, "email_taken");
}

TEST_F(AuthE2E, MalformedEmailOrShortPasswordIs422) {
  for (const char* bad : {"not-an-email", "", "someone@", "@example.com", "two words@example.com"}) {
    SCOPED_TRACE(bad);
    auto res =
        http().post_json(api("/auth/register"), {{"email", bad}, {"password", "long enough pass"}});
    expect_error(res, 422, "invalid_field");
  }
  auto res = http().post_json(api("/auth/register"),
                              {{"email", unique_email("short")}, {"password", "7chars!"}});
  expect_error(res, 422, "invalid_field");
  EXPECT_EQ(res.body.find("7chars!"), std::string::npos) << "the password is echoed";
  // Exactly eight characters is enough.
  auto ok = http().post_json(api("/auth/register"),
                             {{"email", unique_email("eight")}, {"password", "8chars!!"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(AuthE2E, FormLoginGivesBearerTokens) {
  auto email = unique_email("form");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "pass word 1"}})
                .status,
            201);
  // The guide's login: an OAuth2 password grant, form encoded (a space encodes as '+').
  auto res = form_login(port(), email, "pass word 1");
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = res.object();
  EXPECT_FALSE(str(body, "access_token").empty()) << res.body;
  EXPECT_EQ(str(body, "token_type"), "bearer") << res.body;
  ASSERT_TRUE(body.contains("expires_in")) << res.body;
  EXPECT_GT(number_of(body.at("expires_in")), 0) << res.body;
  EXPECT_FALSE(str(body, "refresh_token").empty()) << res.body;
  EXPECT_NE(str(body, "access_token"), str(body, "refresh_token"));
  auto me = http().get(api("/users/me"), str(body, "access_token"));
  EXPECT_EQ(me.status, 200) << me.body;
}

TEST_F(AuthE2E, JsonLoginWorksToo) {
  auto email = unique_email("jsonlogin");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "jsonpass123"}})
                .status,
            201);
  auto res = http().post_json(api("/auth/token"), {{"username", email}, {"password", "jsonpass123"}});
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = res.object();
  EXPECT_EQ(str(body, "token_type"), "bearer");
  auto me = http().get(api("/users/me"), str(body, "access_token"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.object(), "email"), email);
}

TEST_F(AuthE2E, WrongPasswordAndUnknownEmailAnswerTheSame) {
  auto email = unique_email("same");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "right-password"}})
                .status,
            201);
  auto wrong = form_login(port(), email, "wrong-password");
  auto unknown = form_login(port(), unique_email("nobody"), "wrong-password");
  expect_error(wrong, 401, "invalid_credentials");
  EXPECT_EQ(wrong.status, unknown.status);
  EXPECT_EQ(wrong.body, unknown.body) << "login failures must not reveal whether an email exists";
  EXPECT_EQ(wrong.body.find("wrong-password"), std::string::npos);
  EXPECT_EQ(wrong.body.find(email), std::string::npos);
}

TEST_F(AuthE2E, RepeatedFailuresAreRateLimitedWithRetryAfter) {
  auto email = unique_email("brute");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "the-real-one"}})
                .status,
            201);
  auto first = form_login(port(), email, "guess-0");
  EXPECT_EQ(first.status, 401) << first.body;
  HttpResponse limited;
  for (int i = 1; i < 12 && limited.status != 429; ++i) {
    auto res = form_login(port(), email, "guess-" + std::to_string(i));
    if (res.status == 429) limited = res;
    else EXPECT_EQ(res.status, 401) << res.body;
  }
  ASSERT_EQ(limited.status, 429) << "no 429 after 12 failed logins";
  expect_error(limited, 429, "rate_limited");
  auto retry = limited.header("Retry-After");
  ASSERT_FALSE(retry.empty()) << "429 without Retry-After";
  EXPECT_TRUE(std::all_of(retry.begin(), retry.end(), [](char c) { return std::isdigit(c); }))
      << retry;
  EXPECT_GT(std::stol(retry), 0);
}

TEST_F(AuthE2E, UsersMeNeedsAValidToken) {
  auto email = unique_email("me");
  auto reg = http().post_json(api("/auth/register"),
                              {{"email", email}, {"password", "me-password"}, {"display_name", "Me"}});
  ASSERT_EQ(reg.status, 201) << reg.body;
  auto tokens_res = form_login(port(), email, "me-password");
  ASSERT_EQ(tokens_res.status, 200);
  auto me = http().get(api("/users/me"), str(tokens_res.object(), "access_token"));
  ASSERT_EQ(me.status, 200) << me.body;
  auto body = me.object();
  EXPECT_EQ(body.at("id"), reg.object().at("id"));
  EXPECT_EQ(str(body, "email"), email);
  EXPECT_EQ(str(body, "display_name"), "Me");
  EXPECT_FALSE(str(body, "created_at").empty());
  auto missing = http().get(api("/users/me"));
  expect_bearer_challenge(missing);
  expect_error(missing, 401, "invalid_token");
  auto basic = http().request("GET", api("/users/me"), {}, {}, {{"Authorization", "Basic dTpw"}});
  expect_bearer_challenge(basic);
}

TEST_F(AuthE2E, RefreshRotatesTheRefreshToken) {
  auto t = new_user("refresh");
  auto res = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  ASSERT_EQ(res.status, 200) << res.body;
  auto pair = res.object();
  auto access2 = str(pair, "access_token");
  auto refresh2 = str(pair, "refresh_token");
  EXPECT_FALSE(access2.empty());
  EXPECT_FALSE(refresh2.empty());
  EXPECT_NE(refresh2, t.refresh_token);
  EXPECT_EQ(str(pair, "token_type"), "bearer");
  EXPECT_EQ(http().get(api("/users/me"), access2).status, 200);
  // A retry of the old token within the grace (30 s) gets the same pair (issue 11)...
  auto retry = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(str(retry.object(), "refresh_token"), refresh2);
  EXPECT_EQ(str(retry.object(), "access_token"), access2);
  // ...but once the new one was used, the old one is spent: presenting it is a reuse.
  auto third = http().post_json(api("/auth/refresh"), {{"refresh_token", refresh2}});
  ASSERT_EQ(third.status, 200) << third.body;
  auto reuse = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  expect_error(reuse, 401, "invalid_token");
  EXPECT_EQ(reuse.body.find(t.refresh_token), std::string::npos) << "a token is echoed";
  // An access token is not a refresh token.
  auto wrong_kind = http().post_json(api("/auth/refresh"), {{"refresh_token", access2}});
  EXPECT_EQ(wrong_kind.status, 401) << wrong_kind.body;
  auto garbage = http().post_json(api("/auth/refresh"), {{"refresh_token", "garbage"}});
  EXPECT_EQ(garbage.status, 401) << garbage.body;
}

TEST_F(AuthE2E, LogoutRevokesAccessAndRefreshAtOnce) {
  auto email = unique_email("logout");
  auto t = register_and_login(port(), email);
  auto other = form_login(port(), email, "correct horse battery");  // a second device
  ASSERT_EQ(other.status, 200);
  auto other_access = str(other.object(), "access_token");

  auto out = http().request("POST", api("/auth/logout"), {}, {},
                            {{"Authorization", "Bearer " + t.access_token}});
  EXPECT_EQ(out.status, 204) << out.body;
  auto me = http().get(api("/users/me"), t.access_token);
  expect_bearer_challenge(me);
  expect_error(me, 401, "invalid_token");
  auto refresh = http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}});
  EXPECT_EQ(refresh.status, 401) << refresh.body;
  // Only that login ends: the other device stays signed in.
  EXPECT_EQ(http().get(api("/users/me"), other_access).status, 200);
  // The revoked token cannot open a WebSocket either.
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream"), {{"Authorization", "Bearer " + t.access_token}});
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.http_status, 401) << c.error;
}

TEST_F(AuthE2E, ForgedTokensAreRefused) {
  auto t = new_user("forge");
  ASSERT_EQ(http().get(api("/users/me"), t.access_token).status, 200);
  const std::string payload = jwt_payload(t.access_token);
  ASSERT_FALSE(payload.empty()) << "the access token is not a JWT";
  auto parsed = json::parse(payload).as_object();

  std::vector<std::pair<std::string, std::string>> forged;
  forged.emplace_back("signed with another key",
                      sign_hs256(R"({"alg":"HS256","typ":"JWT"})", payload, "not the server key"));
  forged.emplace_back("alg none", base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                                      base64url_encode(payload) + ".");
  {
    // Same signature, payload changed: a later expiry.
    auto changed = parsed;
    changed["exp"] = 4102444800;  // 2100-01-01
    auto dot1 = t.access_token.find('.');
    auto dot2 = t.access_token.find('.', dot1 + 1);
    forged.emplace_back("tampered payload", t.access_token.substr(0, dot1) + "." +
                                                base64url_encode(json::serialize(changed)) +
                                                t.access_token.substr(dot2));
  }
  {
    auto flipped = t.access_token;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    forged.emplace_back("signature changed", flipped);
  }
  forged.emplace_back("not a token", "not.a.token");
  for (const auto& [what, token] : forged) {
    SCOPED_TRACE(what);
    auto res = http().get(api("/users/me"), token);
    expect_bearer_challenge(res);
    EXPECT_EQ(res.body.find(token), std::string::npos) << "a token is echoed";
    WsClient ws;
    auto c = ws.connect(port(), api("/ws/stream"), {{"Authorization", "Bearer " + token}});
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.http_status, 401);
  }
  EXPECT_EQ(http().get(api("/users/me"), t.access_token).status, 200);
}

TEST_F(AuthE2E, DeleteAccountErasesEverything) {
  auto email = unique_email("erase");
  auto t = register_and_login(port(), email);
  ASSERT_EQ(http().put_json(api("/contacts"),
                            json::array{{{"name", "Mom"}, {"phones", json::array{"+15550001111"}},
                                         {"aliases", json::array{"mother"}}}},
                            t.access_token)
                .status,
            204);
  ASSERT_EQ(http().post_json(api("/chat"), {{"text", "add oat milk to my shopping list"}},
                             t.access_token)
                .status,
            200);
  auto before = http().get(api("/conversations/history"), t.access_token);
  ASSERT_EQ(before.status, 200) << before.body;
  ASSERT_FALSE(before.object().at("items").as_array().empty());

  auto del = http().del(api("/users/me"), t.access_token);
  EXPECT_EQ(del.status, 204) << del.body;
  expect_bearer_challenge(http().get(api("/users/me"), t.access_token));
  EXPECT_EQ(http().post_json(api("/auth/refresh"), {{"refresh_token", t.refresh_token}}).status,
            401);
  auto login = form_login(port(), email, "correct horse battery");
  expect_error(login, 401, "invalid_credentials");

  // The address is free again, and the new account starts empty.
  auto fresh = register_and_login(port(), email, "another password");
  auto history = http().get(api("/conversations/history"), fresh.access_token);
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_TRUE(history.object().at("items").as_array().empty()) << history.body;
  auto contacts = http().get(api("/contacts"), fresh.access_token);
  ASSERT_EQ(contacts.status, 200) << contacts.body;
  EXPECT_TRUE(contacts.json().is_array() && contacts.json().as_array().empty()) << contacts.body;
  auto list = http().post_json(api("/chat"), {{"text", "what's on my shopping list"}},
                               fresh.access_token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(lower(str(list.object(), "message")).find("oat milk"), std::string::npos)
      << list.body;
}

class ShortTokenE2E : public E2ETest {
 protected:
  std::vector<std::string> server_args() override { return {"--access-ttl", "1"}; }
};

TEST_F(ShortTokenE2E, ExpiredAccessTokenIsRefusedAndRefreshRecovers) {
  auto email = unique_email("expiry");
  ASSERT_EQ(http().post_json(api("/auth/register"), {{"email", email}, {"password", "expiring-pw"}})
                .status,
            201);
  auto login = form_login(port(), email, "expiring-pw");
  ASSERT_EQ(login.status, 200) << login.body;
  auto body = login.object();
  EXPECT_EQ(number_of(body.at("expires_in")), 1) << login.body;
  auto access = str(body, "access_token");
  // Poll until the token has expired (JWT expiry has one-second resolution).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  HttpResponse me;
  do {
    me = http().get(api("/users/me"), access);
    if (me.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  expect_bearer_challenge(me);
  expect_error(me, 401, "invalid_token");
  WsClient ws;
  auto c = ws.connect(port(), api("/ws/stream"), {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(c.http_status, 401);
  auto refreshed = http().post_json(api("/auth/refresh"), {{"refresh_token", str(body, "refresh_token")}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  // (The new token lives one second too: using it here could race its expiry.)
  EXPECT_NE(str(refreshed.object(), "access_token"), access);
  EXPECT_FALSE(str(refreshed.object(), "access_token").empty());
}

class NoRegisterE2E : public E2ETest {
 protected:
  std::vector<std::string> server_args() override { return {"--no-register"}; }
};

TEST_F(NoRegisterE2E, RegistrationOffThenUsersComeFromTheCommandLine) {
  auto email = unique_email("cli");
  auto res = http().post_json(api("/auth/register"),
                              {{"email", email}, {"password", "a long password"}});
  expect_error(res, 403, "forbidden");
  auto cli = run_hark({"user", "add", email, "--name", "Cli User", "--data-dir",
                       server().data_dir().string()},
                      "a long password\n");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(cli.output.find("a long password"), std::string::npos) << "the password is echoed";
  auto login = form_login(port(), email, "a long password");
  ASSERT_EQ(login.status, 200) << login.body;
  auto me = http().get(api("/users/me"), str(login.object(), "access_token"));
  EXPECT_EQ(str(me.object(), "display_name"), "Cli User") << me.body;
}

}  // namespace
}  // namespace hark::e2e
