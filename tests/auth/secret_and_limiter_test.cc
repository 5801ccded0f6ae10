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

TEST(FailureLimiterTest, WindowSlidesWithTheOldestCountedFailure) {
  FailureLimiter limiter(3, seconds(60));
  limiter.record_failure("k", 0);
  limiter.record_failure("k", 10);
  EXPECT_EQ(limiter.retry_after("k", 15), 0);
  limiter.record_failure("k", 20);
  EXPECT_EQ(limiter.retry_after("k", 20), 40);  // until the failure at 0 leaves the window
  EXPECT_EQ(limiter.retry_after("other", 20), 0);
  EXPECT_EQ(limiter.retry_after("k", 60), 0);
  limiter.record_failure("k", 61);                // 10, 20, 61 are in the window again
  EXPECT_EQ(limiter.retry_after("k", 61), 9);
  limiter.reset("k");
  EXPECT_EQ(limiter.retry_after("k", 61), 0);
}

TEST(FailureLimiterTest, ZeroMaxFailuresTurnsItOff) {
  FailureLimiter limiter(0, seconds(60));
  for (int i = 0; i < 10; ++i) limiter.record_failure("k", i);
  EXPECT_EQ(limiter.retry_after("k", 10), 0);
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
