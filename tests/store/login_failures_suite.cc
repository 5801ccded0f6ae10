// The store suite's cases for failed-login counts (Store::record_login_failure and
// friends), run on every store like the rest of store_suite.cc. Two handles on one
// database stand for two instances.
#include "store_suite.h"

#include <atomic>
#include <thread>
#include <vector>

namespace hark::store::testing {
namespace {

// Two free failures, then waits of 1, 2, 4, 8, 8... seconds; forgotten 60 s after a wait.
const BackoffPolicy kPolicy{2, 1, 8, 60};

TEST_P(StoreTest, LoginFailuresBackOffAndAreSharedByEveryHandle) {
  auto other = backend_->open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(*store_->login_allowed_at("k"), 0);
  // Failures alternate between the two handles; the count is one.
  Store* handles[] = {store_.get(), other.get()};
  const std::int64_t expected_wait[] = {0, 0, 1, 2, 4, 8, 8};
  std::int64_t t = 1000;
  for (int i = 0; i < 7; ++i) {
    auto state = handles[i % 2]->record_login_failure("k", kPolicy, t);
    ASSERT_TRUE(state) << state.error().detail;
    EXPECT_EQ(state->failures, i + 1);
    EXPECT_EQ(state->last, t);
    const std::int64_t allowed = expected_wait[i] > 0 ? t + expected_wait[i] : 0;
    EXPECT_EQ(state->allowed_at, allowed) << "failure " << i + 1;
    EXPECT_EQ(*store_->login_allowed_at("k"), allowed);
    EXPECT_EQ(*other->login_allowed_at("k"), allowed);
    t += 10;
  }
  EXPECT_EQ(*other->login_allowed_at("another key"), 0);
  // A success on one instance clears it for all.
  ASSERT_TRUE(other->clear_login_failures("k"));
  EXPECT_EQ(*store_->login_allowed_at("k"), 0);
  auto again = store_->record_login_failure("k", kPolicy, t);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->failures, 1);
  EXPECT_TRUE(store_->clear_login_failures("never failed"));
}

TEST_P(StoreTest, ConcurrentLoginFailuresOnTwoHandlesAreAllCounted) {
  auto other = backend_->open();
  ASSERT_NE(other, nullptr);
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    Store* s = i % 2 == 0 ? store_.get() : other.get();
    threads.emplace_back([&, s] {
      for (int j = 0; j < kEach; ++j)
        if (!s->record_login_failure("shared", kPolicy, 5000)) ++errors;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  auto state = store_->record_login_failure("shared", kPolicy, 5000);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->failures, kThreads * kEach + 1) << "a concurrent failure was lost";
}

TEST_P(StoreTest, ForgottenLoginFailuresStartOverAndAreSwept) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->record_login_failure("old", kPolicy, 100));
  ASSERT_TRUE(store_->record_login_failure("recent", kPolicy, 1000));
  // "old" waits until 101 and is forgotten at 161; "recent" counts until 1060.
  auto swept = store_->delete_expired_login_failures(500);
  ASSERT_TRUE(swept) << swept.error().detail;
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(*store_->login_allowed_at("old"), 0);
  auto recent = store_->record_login_failure("recent", kPolicy, 1001);
  ASSERT_TRUE(recent);
  EXPECT_EQ(recent->failures, 2);
  // Past its window without a sweep, a count starts over too.
  auto later = store_->record_login_failure("recent", kPolicy, 5000);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->failures, 1);
  EXPECT_EQ(later->allowed_at, 0);
}

}  // namespace
}  // namespace hark::store::testing
