// The pieces that work without a store: the failure limiter and the secret file.
#include "auth/rate_limit.h"
#include "auth_fixture.h"

#include <fstream>
#include <stdexcept>
#include <string>

#include <sys/stat.h>

namespace hark::auth::testing {
namespace {

// --- the failure limiter on its own ----------------------------------------------------

TEST(BackoffLimiterTest, FreeFailuresThenDoublingWaitsUpToTheCap) {
  BackoffLimiter limiter(2, seconds(1), seconds(8), seconds(60));
  limiter.record_failure("k", 0);
  limiter.record_failure("k", 0);
  EXPECT_EQ(limiter.retry_after("k", 0), 0);
  std::int64_t t = 0;
  for (std::int64_t expected : {1, 2, 4, 8, 8}) {
    limiter.record_failure("k", t);
    EXPECT_EQ(limiter.retry_after("k", t), expected);
    t += expected;
  }
  EXPECT_EQ(limiter.retry_after("other", t), 0);
  limiter.reset("k");
  EXPECT_EQ(limiter.retry_after("k", t), 0);
}

TEST(BackoffLimiterTest, ZeroFreeFailuresTurnsItOff) {
  BackoffLimiter limiter(0, seconds(1), seconds(60), seconds(60));
  for (int i = 0; i < 10; ++i) limiter.record_failure("k", i);
  EXPECT_EQ(limiter.retry_after("k", 10), 0);
}

TEST(KeyedRateTest, BurstThenSustainedRatePerKey) {
  KeyedRate rate(3600, 2);  // one a second, bursts of two
  EXPECT_TRUE(rate.take("a", 100));
  EXPECT_TRUE(rate.take("a", 100));
  EXPECT_FALSE(rate.take("a", 100));
  EXPECT_EQ(rate.retry_after("a", 100), 1);
  EXPECT_TRUE(rate.take("b", 100));
  EXPECT_TRUE(rate.take("a", 101));
  EXPECT_FALSE(rate.take("a", 101));
}

// --- the secret file ---------------------------------------------------------------------

TEST(SecretTest, IsCreatedOnceWithMode0600AndThenReused) {
  TempDir dir;
  const auto data_dir = dir.path() / "data" / "nested";  // created on demand
  const std::string first = load_or_create_secret(data_dir);
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;

  struct stat st {};
  ASSERT_EQ(::stat((data_dir / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const std::string second = load_or_create_secret(data_dir);
  EXPECT_EQ(second, first);
  // No temporary files are left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(data_dir)) ++files;
  EXPECT_EQ(files, 1);

  TempDir other;
  EXPECT_NE(load_or_create_secret(other.path()), first);
}

TEST(SecretTest, AnExistingKeyFileIsUsedAsWritten) {
  TempDir dir;
  const std::string key = "an-operator-provided-key-of-enough-length-42";
  {
    std::ofstream out(dir.path() / "secret.key");
    out << key << "\n";
  }
  EXPECT_EQ(load_or_create_secret(dir.path()), key);
}

TEST(SecretTest, ATooShortKeyFileIsRefused) {
  TempDir dir;
  {
    std::ofstream out(dir.path() / "secret.key");
    out << "short\n";
  }
  EXPECT_THROW(load_or_create_secret(dir.path()), std::runtime_error);
}

}  // namespace
}  // namespace hark::auth::testing
