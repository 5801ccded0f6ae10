// Inputs the fuzzers (fuzz/) found to crash, each kept as a test after its fix.
#include "nlu/normalize.h"

#include "time_points.h"

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

// fuzz_normalize: std::stoi threw out_of_range on an ordinal of twenty digits; the
// exception ended the client's connection.
TEST(FuzzFound, AHugeDigitOrdinalIsNoDate) {
  const auto now = testing::utc(2026, 11, 25, 10, 0);
  EXPECT_FALSE(normalize_date("z99999984104137199999rd", now, "UTC"));
  EXPECT_FALSE(normalize_date("the 99999999999th", now, "UTC"));
  EXPECT_FALSE(normalize_datetime("march 123456789012th at 5", now, "UTC"));
}

// fuzz_normalize: "1/1/0404100" came out as the date "10884-01-01".
TEST(FuzzFound, ASlashDateWithAHugeYearIsNoDate) {
  const auto now = testing::utc(2026, 11, 25, 10, 0);
  EXPECT_FALSE(normalize_datetime("1/1/0404100", now, "UTC"));
  EXPECT_FALSE(normalize_date("1/1/99999", now, "UTC"));
  EXPECT_FALSE(normalize_date("12/25/99999999999999999999", now, "UTC"));
  auto ok = normalize_date("12/25/2027", now, "UTC");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "2027-12-25");
}

// fuzz_normalize: forty-odd digits of seconds overflowed llround into a negative duration.
TEST(FuzzFound, AnAstronomicalDurationIsNoDuration) {
  EXPECT_FALSE(normalize_duration(std::string(44, '5') + "0 s"));
  EXPECT_FALSE(normalize_duration("99999999999999999999 hours"));
  EXPECT_EQ(normalize_duration("90 seconds"), 90);
  const auto now = testing::utc(2026, 11, 25, 10, 0);
  EXPECT_FALSE(normalize_datetime("in 5111111111115 h", now, "UTC"));
  EXPECT_TRUE(normalize_datetime("in two hours", now, "UTC"));
}

}  // namespace
}  // namespace hark::nlu
