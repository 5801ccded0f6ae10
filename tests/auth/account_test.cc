// Registration, login and the limit on failed logins.
#include "auth_fixture.h"

#include <string>
#include <vector>

namespace hark::auth::testing {
namespace {

// --- registration ------------------------------------------------------------------------

TEST_F(AuthTest, RegisterStoresALowerCaseEmailAndAnArgon2idHash) {
  auto u = service_->register_user("Nora.Field@Example.COM", kPassword, "");
  ASSERT_TRUE(u) << u.error().detail;
  EXPECT_EQ(u->email, "nora.field@example.com");
  EXPECT_EQ(u->display_name, "Nora.Field");  // defaults to the part before @
  EXPECT_EQ(u->password_hash.rfind("$argon2id$", 0), 0u) << u->password_hash;
  EXPECT_EQ(u->password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ(u->created_at, clock_.unix_now());

  auto named = service_->register_user("other@example.com", kPassword, "  Olive  ");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->display_name, "Olive");
  auto stored = store_->find_user(named->id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->password_hash, named->password_hash);
}

TEST_F(AuthTest, MalformedEmailsAreRefused) {
  const std::string long_local(250, 'a');
  for (const std::string& email : std::vector<std::string>{
           "", "plainaddress", "@example.com", "user@", "user@localhost", "two@@example.com",
        "a@b@example.com", "with space@example.com", "user@example.com ", "user@.example.com",
        "user@example.com.", "user@exa..mple.com", "tab\t@example.com",
        long_local + "@example.com"}) {
    auto r = service_->register_user(email, kPassword, "");
    ASSERT_FALSE(r) << "accepted: " << email;
    expect_error(r.error(), Errc::invalid_field);
  }
  EXPECT_TRUE(service_->register_user("first.last+tag@sub.example.co.uk", kPassword, ""));
}

TEST_F(AuthTest, PasswordLengthIsChecked) {
  auto short_one = service_->register_user("p@example.com", "seven77", "");
  ASSERT_FALSE(short_one);
  expect_error(short_one.error(), Errc::invalid_field);
  EXPECT_EQ(short_one.error().detail.find("seven77"), std::string::npos);

  // Characters, not bytes: seven accented letters are 14 bytes but still too short.
  auto accented = service_->register_user("p@example.com", "ééééééé", "");
  ASSERT_FALSE(accented);
  expect_error(accented.error(), Errc::invalid_field);

  auto huge = service_->register_user("p@example.com", std::string(1025, 'x'), "");
  ASSERT_FALSE(huge);
  expect_error(huge.error(), Errc::invalid_field);

  EXPECT_TRUE(service_->register_user("p@example.com", "eight888", ""));
  EXPECT_TRUE(service_->register_user("q@example.com", std::string(1024, 'y'), ""));
}

TEST_F(AuthTest, EmailCanBeRegisteredOnlyOnce) {
  registered("dup@example.com");
  auto again = service_->register_user("DUP@example.com", "another password", "");
  ASSERT_FALSE(again);
  expect_error(again.error(), Errc::email_taken);
}

TEST_F(AuthTest, RegistrationCanBeTurnedOffButCreateUserStillWorks) {
  auto options = test_options();
  options.allow_register = false;
  make_service(options);
  auto r = service_->register_user("closed@example.com", kPassword, "");
  ASSERT_FALSE(r);
  expect_error(r.error(), Errc::forbidden);
  auto cli = service_->create_user("closed@example.com", kPassword, "Admin");
  ASSERT_TRUE(cli) << cli.error().detail;
  EXPECT_TRUE(service_->login("closed@example.com", kPassword, "cli"));
}

TEST_F(AuthTest, InteractiveCostIsTheDefault) {
  Options options;
  options.secret = kSecret;
  EXPECT_EQ(options.hash_cost, HashCost::interactive);
  make_service(options);
  auto u = service_->register_user("real@example.com", kPassword, "");
  ASSERT_TRUE(u);
  // libsodium's INTERACTIVE: 64 MiB, 2 passes.
  EXPECT_NE(u->password_hash.find("m=65536,t=2"), std::string::npos) << u->password_hash;
  EXPECT_TRUE(service_->login("real@example.com", kPassword, "c"));
}

// --- login -------------------------------------------------------------------------------

TEST_F(AuthTest, LoginGivesTokensThatVerify) {
  auto u = registered("login@example.com");
  auto t = service_->login("Login@Example.com", kPassword, "10.0.0.2");
  ASSERT_TRUE(t) << t.error().detail;
  EXPECT_EQ(t->expires_in, 600);
  EXPECT_FALSE(t->access_token.empty());
  EXPECT_FALSE(t->refresh_token.empty());
  EXPECT_EQ(t->refresh_token.find(kPassword), std::string::npos);

  auto who = service_->verify(t->access_token);
  ASSERT_TRUE(who) << who.error().detail;
  EXPECT_EQ(who->user_id, u.id);
  EXPECT_EQ(who->email, "login@example.com");
  EXPECT_FALSE(who->session_id.empty());
  // The refresh token names its session; the store keeps only a hash of the token.
  EXPECT_EQ(t->refresh_token.rfind(who->session_id + ".", 0), 0u);
  auto session = store_->find_session(who->session_id);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id, u.id);
  EXPECT_EQ(session->refresh_hash.size(), 64u);
  EXPECT_EQ(session->refresh_hash.find(t->refresh_token), std::string::npos);
  EXPECT_EQ(session->expires_at, clock_.unix_now() + 3600);

  // Two logins are two sessions.
  auto second = logged_in("login@example.com");
  auto who2 = service_->verify(second.access_token);
  ASSERT_TRUE(who2);
  EXPECT_NE(who2->session_id, who->session_id);
}

TEST_F(AuthTest, UnknownEmailAndWrongPasswordFailAlike) {
  registered("known@example.com");
  auto wrong = service_->login("known@example.com", "not the password", "a");
  auto unknown = service_->login("stranger@example.com", kPassword, "b");
  auto malformed = service_->login("not-an-email", kPassword, "c");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  ASSERT_FALSE(malformed);
  for (const auto* r : {&wrong, &unknown, &malformed}) {
    expect_error(r->error(), Errc::invalid_credentials);
    EXPECT_EQ(r->error().detail, "Incorrect email or password.");
  }
  EXPECT_EQ(wrong.error().detail.find("not the password"), std::string::npos);
}

// Issue 11: five failures from one address locked every user out for 300 s. Now the
// account backs off at that address only, exponentially, and its owner elsewhere logs in.
TEST_F(AuthTest, FailuresBackOffTheAccountAtThatAddressOnly) {
  registered("target@example.com");
  const std::string attacker = "10.1.1.1";
  for (int i = 0; i < 3; ++i) {  // test_options: 3 free failures
    auto r = service_->login("target@example.com", "guess " + std::to_string(i), attacker);
    ASSERT_FALSE(r);
    expect_error(r.error(), Errc::invalid_credentials);
  }
  EXPECT_EQ(service_->retry_after("target@example.com", attacker), 0);
  ASSERT_FALSE(service_->login("target@example.com", "guess 3", attacker));
  EXPECT_EQ(service_->retry_after("target@example.com", attacker), 1);  // the first wait
  // Even the right password waits now, from the attacker's address...
  auto limited = service_->login("TARGET@example.com", kPassword, attacker);
  ASSERT_FALSE(limited);
  expect_error(limited.error(), Errc::rate_limited);
  // ...but not from the owner's.
  EXPECT_EQ(service_->retry_after("target@example.com", "10.2.2.2"), 0);
  EXPECT_TRUE(service_->login("target@example.com", kPassword, "10.2.2.2"));
  // Each further failure doubles the wait.
  std::int64_t previous = 0;
  for (int i = 0; i < 5; ++i) {
    clock_.advance(seconds(service_->retry_after("target@example.com", attacker)));
    ASSERT_FALSE(service_->login("target@example.com", "again", attacker));
    const auto wait = service_->retry_after("target@example.com", attacker);
    if (previous > 0) EXPECT_EQ(wait, previous * 2);
    previous = wait;
  }
  EXPECT_EQ(previous, 32);
  clock_.advance(seconds(previous));
  EXPECT_TRUE(service_->login("target@example.com", kPassword, attacker));
}

TEST_F(AuthTest, BackOffIsCappedAndForgottenAfterTheWindow) {
  auto o = test_options();
  o.backoff_max = seconds(10);
  make_service(o);
  registered("cap@example.com");
  for (int i = 0; i < 12; ++i) {
    clock_.advance(seconds(service_->retry_after("cap@example.com", "c")));
    ASSERT_FALSE(service_->login("cap@example.com", "wrong wrong", "c"));
  }
  EXPECT_EQ(service_->retry_after("cap@example.com", "c"), 10);
  clock_.advance(seconds(10 + 60));  // the wait, then the window without failures
  ASSERT_FALSE(service_->login("cap@example.com", "wrong wrong", "c"));
  EXPECT_EQ(service_->retry_after("cap@example.com", "c"), 0) << "the count did not start over";
}

TEST_F(AuthTest, ManyFailuresFromOneAddressBackOffThatAddress) {
  auto o = test_options();
  o.max_client_failures = 4;
  make_service(o);
  registered("victim@example.com");
  for (int i = 0; i < 5; ++i) {
    auto r = service_->login("nobody" + std::to_string(i) + "@example.com", kPassword, "203.0.113.7");
    ASSERT_FALSE(r);
    expect_error(r.error(), Errc::invalid_credentials);
  }
  auto same_client = service_->login("victim@example.com", kPassword, "203.0.113.7");
  ASSERT_FALSE(same_client);
  expect_error(same_client.error(), Errc::rate_limited);
  EXPECT_GT(service_->retry_after("victim@example.com", "203.0.113.7"), 0);
  // Another address is not affected.
  EXPECT_TRUE(service_->login("victim@example.com", kPassword, "198.51.100.1"));
}

TEST_F(AuthTest, RegistrationsPerAddressAreLimited) {
  auto o = test_options();
  o.registrations_per_hour = 3600;  // one a second
  o.registration_burst = 2;
  make_service(o);
  const std::string client = "192.0.2.9";
  EXPECT_TRUE(service_->register_user("r1@example.com", kPassword, "", client));
  EXPECT_TRUE(service_->register_user("r2@example.com", kPassword, "", client));
  auto third = service_->register_user("r3@example.com", kPassword, "", client);
  ASSERT_FALSE(third);
  expect_error(third.error(), Errc::rate_limited);
  EXPECT_EQ(service_->register_retry_after(client), 1);
  // Malformed requests are answered as such and cost nothing.
  auto bad = service_->register_user("not an email", kPassword, "", client);
  ASSERT_FALSE(bad);
  expect_error(bad.error(), Errc::invalid_field);
  EXPECT_TRUE(service_->register_user("r4@example.com", kPassword, "", "192.0.2.10"));
  clock_.advance(seconds(1));
  EXPECT_TRUE(service_->register_user("r3@example.com", kPassword, "", client));
}

TEST_F(AuthTest, SuccessForgivesEarlierFailuresOfThatEmail) {
  registered("forgetful@example.com");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 2; ++i) {
      ASSERT_FALSE(service_->login("forgetful@example.com", "typo typo", "c" + std::to_string(round * 2 + i)));
    }
    ASSERT_TRUE(service_->login("forgetful@example.com", kPassword, "ok" + std::to_string(round)));
  }
  EXPECT_EQ(service_->retry_after("forgetful@example.com", "new-client"), 0);
}

}  // namespace
}  // namespace hark::auth::testing
