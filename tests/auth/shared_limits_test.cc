// Issue 14: failed-login limits are kept in the store, so two AuthServices (two instances)
// on one database limit a guesser who spreads tries over both as one.
#include "auth_fixture.h"

namespace hark::auth::testing {
namespace {

class SharedLimitsTest : public AuthTest {
 protected:
  SharedLimitsTest()
      : other_store_(store::open_sqlite(dir_.path() / "hark.db")),
        other_(std::make_unique<AuthService>(test_options(), *other_store_, clock_)) {}

  std::unique_ptr<store::Store> other_store_;
  std::unique_ptr<AuthService> other_;
};

TEST_F(SharedLimitsTest, FailuresSpreadOverTwoInstancesAreLimitedAsOne) {
  registered("spread@example.com");
  const std::string guesser = "10.9.9.9";
  AuthService* instances[] = {service_.get(), other_.get()};
  // test_options: 3 free failures, then waits. Alternating, each instance sees only two.
  for (int i = 0; i < 4; ++i) {
    auto r = instances[i % 2]->login("spread@example.com", "guess " + std::to_string(i), guesser);
    ASSERT_FALSE(r);
    expect_error(r.error(), Errc::invalid_credentials);
  }
  for (AuthService* s : instances) {
    EXPECT_EQ(s->retry_after("spread@example.com", guesser), 1);
    auto limited = s->login("spread@example.com", kPassword, guesser);
    ASSERT_FALSE(limited);
    expect_error(limited.error(), Errc::rate_limited);
  }
  // Keyed as before: the owner at another address is not limited, on either instance.
  EXPECT_TRUE(other_->login("spread@example.com", kPassword, "10.2.2.2"));
  // Once the wait is over, a success on one instance clears the account's count for both.
  clock_.advance(seconds(1));
  EXPECT_TRUE(other_->login("spread@example.com", kPassword, guesser));
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(service_->login("spread@example.com", "x", guesser));
  EXPECT_EQ(service_->retry_after("spread@example.com", guesser), 0) << "the count did not start over";
}

TEST_F(SharedLimitsTest, OneAddressTryingManyAccountsIsLimitedAcrossInstances) {
  Options o = test_options();
  o.max_client_failures = 4;
  make_service(o);
  other_ = std::make_unique<AuthService>(o, *other_store_, clock_);
  AuthService* instances[] = {service_.get(), other_.get()};
  for (int i = 0; i < 5; ++i) {
    auto r = instances[i % 2]->login("nobody" + std::to_string(i) + "@example.com", "x", "10.7.7.7");
    ASSERT_FALSE(r);
    expect_error(r.error(), Errc::invalid_credentials);
  }
  auto limited = other_->login("fresh@example.com", "x", "10.7.7.7");
  ASSERT_FALSE(limited);
  expect_error(limited.error(), Errc::rate_limited);
  EXPECT_FALSE(service_->login("fresh@example.com", "x", "10.8.8.8").error().code == Errc::rate_limited);
}

}  // namespace
}  // namespace hark::auth::testing
