// Access and refresh tokens: expiry, forgery, rotation, revocation.
#include "auth_fixture.h"

#include <jwt.h>
#include <sodium.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace hark::auth::testing {
namespace {

std::string b64url_decode(const std::string& in) {
  std::string out(in.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

std::string b64url_encode(const std::string& in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::vector<std::string> split_dots(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// A token made with libjwt directly, for the forgeries the service must refuse.
std::string make_jwt(jwt_alg_t alg, const std::string& key,
                     const std::vector<std::pair<std::string, std::string>>& grants,
                     const std::vector<std::pair<std::string, long>>& int_grants) {
  jwt_t* j = nullptr;
  EXPECT_EQ(jwt_new(&j), 0);
  for (const auto& [k, v] : grants) jwt_add_grant(j, k.c_str(), v.c_str());
  for (const auto& [k, v] : int_grants) jwt_add_grant_int(j, k.c_str(), v);
  if (alg == JWT_ALG_NONE) {
    jwt_set_alg(j, JWT_ALG_NONE, nullptr, 0);
  } else {
    jwt_set_alg(j, alg, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
  }
  char* s = jwt_encode_str(j);
  std::string out = s != nullptr ? s : "";
  std::free(s);
  jwt_free(j);
  return out;
}

// --- access tokens -----------------------------------------------------------------------

TEST_F(AuthTest, AccessTokenExpires) {
  registered("ttl@example.com");
  auto t = logged_in("ttl@example.com");
  clock_.advance(seconds(599));
  EXPECT_TRUE(service_->verify(t.access_token));
  clock_.advance(seconds(1));
  auto expired = service_->verify(t.access_token);
  ASSERT_FALSE(expired);
  expect_error(expired.error(), Errc::invalid_token);
}

TEST_F(AuthTest, ForgedTokensAreRefused) {
  auto u = registered("forge@example.com");
  auto victim = registered("victim2@example.com");
  auto t = logged_in("forge@example.com");
  auto who = service_->verify(t.access_token);
  ASSERT_TRUE(who);
  const long now = static_cast<long>(clock_.unix_now());
  const std::vector<std::pair<std::string, std::string>> grants = {
      {"sub", std::to_string(u.id)}, {"sid", who->session_id}, {"email", u.email}, {"typ", "access"}};
  const std::vector<std::pair<std::string, long>> times = {{"iat", now}, {"exp", now + 600}};

  // Sanity check of the helper: the same claims signed with the right secret pass.
  ASSERT_TRUE(service_->verify(make_jwt(JWT_ALG_HS256, kSecret, grants, times)));

  std::vector<std::pair<std::string, std::string>> forgeries;
  forgeries.emplace_back("other secret", make_jwt(JWT_ALG_HS256, "another-secret-entirely-0123456789", grants, times));
  forgeries.emplace_back("HS512 with our secret", make_jwt(JWT_ALG_HS512, kSecret, grants, times));
  {
    auto parts = split_dots(t.access_token);
    ASSERT_EQ(parts.size(), 3u);
    forgeries.emplace_back("alg none, no signature",
                           b64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + parts[1] + ".");
    forgeries.emplace_back("alg none, old signature",
                           b64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + parts[1] + "." + parts[2]);
    forgeries.emplace_back("libjwt alg none", make_jwt(JWT_ALG_NONE, "", grants, times));

    // Same signature, payload changed to speak for another user.
    std::string payload = b64url_decode(parts[1]);
    const std::string from = "\"sub\":\"" + std::to_string(u.id) + "\"";
    const auto at = payload.find(from);
    ASSERT_NE(at, std::string::npos) << payload;
    payload.replace(at, from.size(), "\"sub\":\"" + std::to_string(victim.id) + "\"");
    forgeries.emplace_back("tampered payload", parts[0] + "." + b64url_encode(payload) + "." + parts[2]);

    std::string flipped = t.access_token;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    forgeries.emplace_back("flipped signature", flipped);
  }
  {
    auto refresh_typ = grants;
    refresh_typ[3].second = "refresh";
    forgeries.emplace_back("wrong typ", make_jwt(JWT_ALG_HS256, kSecret, refresh_typ, times));
    auto no_typ = grants;
    no_typ.pop_back();
    forgeries.emplace_back("no typ", make_jwt(JWT_ALG_HS256, kSecret, no_typ, times));
    forgeries.emplace_back("no exp", make_jwt(JWT_ALG_HS256, kSecret, grants, {{"iat", now}}));
    auto other_user = grants;
    other_user[0].second = std::to_string(victim.id);  // validly signed, but not the session's user
    forgeries.emplace_back("session of another user", make_jwt(JWT_ALG_HS256, kSecret, other_user, times));
    auto no_session = grants;
    no_session[1].second = "made-up-session";
    forgeries.emplace_back("unknown session", make_jwt(JWT_ALG_HS256, kSecret, no_session, times));
  }
  forgeries.emplace_back("empty", "");
  forgeries.emplace_back("garbage", "not.a.jwt");
  forgeries.emplace_back("refresh token as access token", t.refresh_token);
  forgeries.emplace_back("huge", std::string(10000, 'a'));

  for (const auto& [what, token] : forgeries) {
    auto r = service_->verify(token);
    ASSERT_FALSE(r) << "accepted: " << what;
    EXPECT_EQ(r.error().code, Errc::invalid_token) << what;
    if (!token.empty()) {
      EXPECT_EQ(r.error().detail.find(token), std::string::npos) << what;
    }
  }
}

// Issue 11: libjwt reads a C string, so "<token>\0junk" verified as <token>.
TEST_F(AuthTest, TokensWithTrailingJunkAreRefused) {
  registered("junk@example.com");
  auto t = logged_in("junk@example.com");
  ASSERT_TRUE(service_->verify(t.access_token));
  const std::vector<std::string> junk = {
      t.access_token + std::string(1, '\0') + "junk", t.access_token + std::string(1, '\0'),
      t.access_token + " ", " " + t.access_token, t.access_token + "\n",
      t.access_token + ".extra", t.access_token.substr(0, 20) + std::string(1, '\0') +
                                     t.access_token.substr(20)};
  for (const auto& token : junk) {
    auto r = service_->verify(token);
    ASSERT_FALSE(r) << "accepted a token of " << token.size() << " bytes";
    EXPECT_EQ(r.error().code, Errc::invalid_token);
  }
}

// --- refresh -----------------------------------------------------------------------------

TEST_F(AuthTest, RefreshRotatesAndTheOldTokenStopsWorking) {
  registered("rot@example.com");
  auto first = logged_in("rot@example.com");
  clock_.advance(seconds(100));
  auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_NE(second->access_token, first.access_token);
  auto who = service_->verify(second->access_token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->email, "rot@example.com");
  // The refresh moved the session's expiry forward.
  auto session = store_->find_session(who->session_id);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->expires_at, clock_.unix_now() + 3600);

  auto third = service_->refresh(second->refresh_token);
  ASSERT_TRUE(third) << third.error().detail;
  EXPECT_TRUE(service_->verify(third->access_token));
}

TEST_F(AuthTest, ReusingARotatedRefreshTokenFailsAndEndsTheSession) {
  registered("reuse@example.com");
  auto first = logged_in("reuse@example.com");
  auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second);
  clock_.advance(seconds(31));  // past the retry grace

  auto replay = service_->refresh(first.refresh_token);
  ASSERT_FALSE(replay);
  expect_error(replay.error(), Errc::invalid_token);
  EXPECT_EQ(replay.error().detail.find(first.refresh_token), std::string::npos);

  // The whole session is revoked: the newest pair stops working as well.
  auto newest = service_->refresh(second->refresh_token);
  ASSERT_FALSE(newest);
  expect_error(newest.error(), Errc::invalid_token);
  auto access = service_->verify(second->access_token);
  ASSERT_FALSE(access);
  expect_error(access.error(), Errc::invalid_token);
  // Logging in again works.
  EXPECT_TRUE(service_->login("reuse@example.com", kPassword, "x"));
}

// Concurrent refreshes with one token (two tabs) all get the one new pair: exactly one
// rotation happened, the others are its retries.
TEST_F(AuthTest, ConcurrentRefreshesWithOneTokenAllGetTheSamePair) {
  registered("racy@example.com");
  auto t = logged_in("racy@example.com");
  constexpr int kThreads = 4;
  std::mutex m;
  std::set<std::string> refresh_tokens;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = service_->refresh(t.refresh_token);
      if (!r) {
        ++unexpected;
        return;
      }
      std::lock_guard lock(m);
      refresh_tokens.insert(r->refresh_token);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
  ASSERT_EQ(refresh_tokens.size(), 1u);
  // The new token works; after the grace the old one is a reuse and ends the session.
  clock_.advance(seconds(31));
  EXPECT_FALSE(service_->refresh(t.refresh_token));
  EXPECT_FALSE(service_->refresh(*refresh_tokens.begin()));
}

// Issue 11: presenting a refresh token twice (a client retry) revoked the whole session.
TEST_F(AuthTest, ARetryWithinTheGraceGetsTheSamePair) {
  registered("retry@example.com");
  auto first = logged_in("retry@example.com");
  clock_.advance(seconds(100));
  auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second) << second.error().detail;
  clock_.advance(seconds(30));
  auto again = service_->refresh(first.refresh_token);
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_EQ(again->refresh_token, second->refresh_token);
  EXPECT_EQ(again->access_token, second->access_token);
  EXPECT_EQ(again->expires_in, 600 - 30);
  EXPECT_TRUE(service_->verify(second->access_token));
  // The session goes on.
  auto third = service_->refresh(second->refresh_token);
  ASSERT_TRUE(third) << third.error().detail;
  EXPECT_TRUE(service_->verify(third->access_token));
}

TEST_F(AuthTest, ATokenTwoRotationsOldIsAReuseEvenWithinTheGrace) {
  registered("twice@example.com");
  auto first = logged_in("twice@example.com");
  auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second);
  auto third = service_->refresh(second->refresh_token);
  ASSERT_TRUE(third);
  auto stale = service_->refresh(first.refresh_token);
  ASSERT_FALSE(stale);
  expect_error(stale.error(), Errc::invalid_token);
  EXPECT_FALSE(service_->verify(third->access_token)) << "the session should be revoked";
}

TEST_F(AuthTest, GraceZeroRevokesOnTheFirstReuse) {
  auto o = test_options();
  o.refresh_grace = seconds(0);
  make_service(o);
  registered("nograce@example.com");
  auto first = logged_in("nograce@example.com");
  auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second);
  EXPECT_FALSE(service_->refresh(first.refresh_token));
  EXPECT_FALSE(service_->verify(second->access_token));
}

// Issue 11: each login left a session row forever.
TEST_F(AuthTest, ExpiredAndRevokedSessionsAreDeleted) {
  registered("sweep@example.com");
  auto kept = logged_in("sweep@example.com");
  auto logged_out = logged_in("sweep@example.com");
  auto who = service_->verify(logged_out.access_token);
  ASSERT_TRUE(who);
  ASSERT_TRUE(service_->logout(*who));
  clock_.advance(seconds(10));
  auto removed = service_->delete_expired_sessions();
  ASSERT_TRUE(removed) << removed.error().detail;
  EXPECT_EQ(*removed, 1);  // the revoked one
  EXPECT_TRUE(service_->verify(kept.access_token));
  clock_.advance(seconds(3600));  // the refresh TTL
  removed = service_->delete_expired_sessions();
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(service_->refresh(kept.refresh_token));
}

TEST_F(AuthTest, ExpiredRefreshTokenIsRefused) {
  registered("old@example.com");
  auto t = logged_in("old@example.com");
  clock_.advance(seconds(3600));
  auto r = service_->refresh(t.refresh_token);
  ASSERT_FALSE(r);
  expect_error(r.error(), Errc::invalid_token);
}

TEST_F(AuthTest, MalformedRefreshTokensAreRefused) {
  registered("m@example.com");
  auto t = logged_in("m@example.com");
  const auto sid = t.refresh_token.substr(0, t.refresh_token.find('.'));
  for (const std::string& token : {std::string(), std::string("no-dot-at-all"), std::string(".x"),
                                  std::string("unknown-session.abc"), sid + ".wrong-secret-part",
                                  std::string(5000, 'z')}) {
    auto r = service_->refresh(token);
    ASSERT_FALSE(r) << "accepted: " << token;
    expect_error(r.error(), Errc::invalid_token);
  }
}

// --- logout and deletion -----------------------------------------------------------------

TEST_F(AuthTest, LogoutRevokesThatSessionAtOnce) {
  registered("bye@example.com");
  auto phone = logged_in("bye@example.com");
  auto laptop = logged_in("bye@example.com");
  auto who = service_->verify(phone.access_token);
  ASSERT_TRUE(who);

  ASSERT_TRUE(service_->logout(*who));
  auto access = service_->verify(phone.access_token);
  ASSERT_FALSE(access);
  expect_error(access.error(), Errc::invalid_token);
  auto refresh = service_->refresh(phone.refresh_token);
  ASSERT_FALSE(refresh);
  expect_error(refresh.error(), Errc::invalid_token);

  // The other login of the same user goes on.
  EXPECT_TRUE(service_->verify(laptop.access_token));
  EXPECT_TRUE(service_->refresh(laptop.refresh_token));
  // Logging out twice is harmless.
  EXPECT_TRUE(service_->logout(*who));
}

TEST_F(AuthTest, DeleteAccountRevokesEverything) {
  auto u = registered("leaving@example.com");
  auto t = logged_in("leaving@example.com");
  auto who = service_->verify(t.access_token);
  ASSERT_TRUE(who);
  ASSERT_TRUE(store_->list_add(u.id, "todo", "pack"));

  ASSERT_TRUE(service_->delete_account(*who));
  auto access = service_->verify(t.access_token);
  ASSERT_FALSE(access);
  expect_error(access.error(), Errc::invalid_token);
  auto refresh = service_->refresh(t.refresh_token);
  ASSERT_FALSE(refresh);
  expect_error(refresh.error(), Errc::invalid_token);
  auto login = service_->login("leaving@example.com", kPassword, "z");
  ASSERT_FALSE(login);
  expect_error(login.error(), Errc::invalid_credentials);
  auto gone = store_->find_user(u.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  EXPECT_TRUE(store_->list_items(u.id, "todo")->empty());
}

TEST_F(AuthTest, TokensOfAnotherSecretDoNotCrossServers) {
  registered("two@example.com");
  auto t = logged_in("two@example.com");
  auto options = test_options();
  options.secret = "a-different-server-secret-0123456789";
  AuthService other(options, *store_, clock_);
  auto r = other.verify(t.access_token);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_token);
}

}  // namespace
}  // namespace hark::auth::testing
