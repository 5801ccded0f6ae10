#include "common/clock.h"
#include "common/error.h"

#include <gtest/gtest.h>

namespace hark {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return make_error(Errc::invalid_field, "odd");
  return x / 2;
}

TEST(ErrorTest, ResultCarriesValueOrError) {
  auto ok = half(4);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_field);
  EXPECT_EQ(errc_name(bad.error().code), "invalid_field");
  EXPECT_THROW(bad.value(), std::runtime_error);
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1000)));
  EXPECT_EQ(clock.unix_now(), 1000);
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.unix_now(), 1005);
}

}  // namespace
}  // namespace hark
