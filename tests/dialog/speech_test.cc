#include "dialog/speech.h"

#include "fixture.h"

#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

TEST(SpeechTest, NumbersReadWithoutNoise) {
  EXPECT_EQ(say_number(3), "3");
  EXPECT_EQ(say_number(-12), "-12");
  EXPECT_EQ(say_number(2.5), "2.5");
  EXPECT_EQ(say_number(1.23456), "1.23");
  EXPECT_EQ(say_number(1.23456, 4), "1.2346");
  EXPECT_EQ(say_number(0.0001234), "0.000123");
  EXPECT_EQ(say_number(1e6), "1000000");
}

TEST(SpeechTest, JoinsWordsLikeASentence) {
  EXPECT_EQ(join_words({}), "");
  EXPECT_EQ(join_words({"milk"}), "milk");
  EXPECT_EQ(join_words({"milk", "eggs"}), "milk and eggs");
  EXPECT_EQ(join_words({"milk", "eggs", "bread"}), "milk, eggs and bread");
}

TEST(SpeechTest, ClockTimes) {
  EXPECT_EQ(say_clock(15, 5), "3:05 PM");
  EXPECT_EQ(say_clock(0, 0), "12:00 AM");
  EXPECT_EQ(say_clock(12, 30), "12:30 PM");
  EXPECT_EQ(say_clock(7, 0, true), "7 AM");
  EXPECT_EQ(say_time_value("19:45"), "7:45 PM");
  EXPECT_FALSE(say_time_value("25:00"));
  EXPECT_FALSE(say_time_value("seven"));
}

TEST(SpeechTest, DatesRelativeToToday) {
  LocalTime today{2026, 11, 25, 3, 14, 5};
  EXPECT_EQ(say_date_value("2026-11-25", today), "today");
  EXPECT_EQ(say_date_value("2026-11-26", today), "tomorrow");
  EXPECT_EQ(say_date_value("2026-11-24", today), "yesterday");
  EXPECT_EQ(say_date_value("2026-11-27", today), "Friday, November 27");
  EXPECT_EQ(say_datetime_value("2026-11-26T09:00", today), "tomorrow at 9 AM");
  EXPECT_EQ(say_datetime_value("2026-12-01T18:30", today), "Tuesday, December 1 at 6:30 PM");
  EXPECT_FALSE(say_date_value("2026-02-30", today));
  EXPECT_FALSE(say_datetime_value("tomorrow", today));
  // Across the end of the year.
  LocalTime new_year_eve{2026, 12, 31, 4, 23, 59};
  EXPECT_EQ(say_date_value("2027-01-01", new_year_eve), "tomorrow");
}

TEST(SpeechTest, Durations) {
  EXPECT_EQ(say_duration(600), "10 minutes");
  EXPECT_EQ(say_duration(5400), "1 hour and 30 minutes");
  EXPECT_EQ(say_duration(1), "1 second");
  EXPECT_EQ(say_duration(3661), "1 hour, 1 minute and 1 second");
  EXPECT_EQ(say_duration(0), "0 seconds");
}

TEST(SpeechTest, LocalTimeFollowsTheZone) {
  auto now = testing::test_now();  // 14:05 UTC
  auto ny = local_time(now, "America/New_York");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->hour, 9);
  EXPECT_EQ(ny->minute, 5);
  EXPECT_EQ(ny->day, 25);
  auto tokyo = local_time(now, "Asia/Tokyo");
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(tokyo->hour, 23);
  EXPECT_EQ(tokyo->weekday, 3);  // Wednesday
  auto kiritimati = local_time(now, "Pacific/Kiritimati");  // UTC+14: already Thursday
  ASSERT_TRUE(kiritimati);
  EXPECT_EQ(kiritimati->day, 26);
  EXPECT_EQ(kiritimati->weekday, 4);
  EXPECT_FALSE(local_time(now, "Mars/Olympus_Mons"));
}

}  // namespace
}  // namespace hark::dialog
