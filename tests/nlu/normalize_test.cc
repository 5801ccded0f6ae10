#include "nlu/normalize.h"

#include "time_points.h"

#include <gtest/gtest.h>

namespace hark::nlu {
namespace {

using testing::utc;

TEST(NormalizeNumber, WordsAndDigits) {
  EXPECT_EQ(normalize_number("twenty five"), 25);
  EXPECT_EQ(normalize_number("25"), 25);
  EXPECT_EQ(normalize_number("a dozen"), 12);
  EXPECT_EQ(normalize_number("half a dozen"), 6);
  EXPECT_EQ(normalize_number("one hundred and five"), 105);
  EXPECT_EQ(normalize_number("three thousand two hundred"), 3200);
  EXPECT_EQ(normalize_number("a hundred"), 100);
  EXPECT_EQ(normalize_number("2.5"), 2.5);
  EXPECT_EQ(normalize_number("a half"), 0.5);
  EXPECT_EQ(normalize_number("two and a half"), 2.5);
  EXPECT_EQ(normalize_number("two point five"), 2.5);
  EXPECT_EQ(normalize_number("minus three"), -3);
  EXPECT_EQ(normalize_number("zero"), 0);
  EXPECT_EQ(normalize_number("nineteen"), 19);
}

TEST(NormalizeNumber, RejectsWhatIsNotANumber) {
  EXPECT_FALSE(normalize_number(""));
  EXPECT_FALSE(normalize_number("banana"));
  EXPECT_FALSE(normalize_number("twenty twenty"));
  EXPECT_FALSE(normalize_number("five apples"));
  EXPECT_FALSE(normalize_number("a"));
  EXPECT_FALSE(normalize_number("five twenty"));
}

TEST(NormalizeTime, Forms) {
  EXPECT_EQ(normalize_time("seven thirty"), "07:30");
  EXPECT_EQ(normalize_time("7:30 pm"), "19:30");
  EXPECT_EQ(normalize_time("7 pm"), "19:00");
  EXPECT_EQ(normalize_time("7 p m"), "19:00");
  EXPECT_EQ(normalize_time("noon"), "12:00");
  EXPECT_EQ(normalize_time("midnight"), "00:00");
  EXPECT_EQ(normalize_time("twelve thirty am"), "00:30");
  EXPECT_EQ(normalize_time("twelve thirty pm"), "12:30");
  EXPECT_EQ(normalize_time("12 am"), "00:00");
  EXPECT_EQ(normalize_time("half past six"), "06:30");
  EXPECT_EQ(normalize_time("quarter to five"), "04:45");
  EXPECT_EQ(normalize_time("a quarter past nine pm"), "21:15");
  EXPECT_EQ(normalize_time("ten past eight in the evening"), "20:10");
  EXPECT_EQ(normalize_time("seven oh five"), "07:05");
  EXPECT_EQ(normalize_time("six o'clock"), "06:00");
  EXPECT_EQ(normalize_time("19:45"), "19:45");
  EXPECT_EQ(normalize_time("at 5"), "05:00");
  EXPECT_EQ(normalize_time("eleven forty five at night"), "23:45");
}

TEST(NormalizeTime, RejectsImpossibleTimes) {
  EXPECT_FALSE(normalize_time("25:00"));
  EXPECT_FALSE(normalize_time("7:75"));
  EXPECT_FALSE(normalize_time("13 pm"));
  EXPECT_FALSE(normalize_time("seven apples"));
  EXPECT_FALSE(normalize_time(""));
}

// Wednesday 2026-11-25, 10:00 UTC.
const auto kWed = utc(2026, 11, 25, 10, 0);

TEST(NormalizeDate, RelativeDays) {
  EXPECT_EQ(normalize_date("today", kWed, "UTC"), "2026-11-25");
  EXPECT_EQ(normalize_date("tomorrow", kWed, "UTC"), "2026-11-26");
  EXPECT_EQ(normalize_date("day after tomorrow", kWed, "UTC"), "2026-11-27");
  EXPECT_EQ(normalize_date("the day after tomorrow", kWed, "UTC"), "2026-11-27");
  EXPECT_EQ(normalize_date("yesterday", kWed, "UTC"), "2026-11-24");
  EXPECT_EQ(normalize_date("in three days", kWed, "UTC"), "2026-11-28");
  EXPECT_EQ(normalize_date("on friday", kWed, "UTC"), "2026-11-27");
  EXPECT_EQ(normalize_date("friday", kWed, "UTC"), "2026-11-27");
  EXPECT_EQ(normalize_date("next friday", kWed, "UTC"), "2026-11-27");
  // The same weekday as today means a week ahead, "this" means today.
  EXPECT_EQ(normalize_date("wednesday", kWed, "UTC"), "2026-12-02");
  EXPECT_EQ(normalize_date("this wednesday", kWed, "UTC"), "2026-11-25");
}

TEST(NormalizeDate, NextFridayAcrossAMonthEnd) {
  // Thursday 2026-04-30, one minute before midnight.
  EXPECT_EQ(normalize_date("next friday", utc(2026, 4, 30, 23, 59), "UTC"), "2026-05-01");
  EXPECT_EQ(normalize_date("tomorrow", utc(2026, 12, 31, 23, 59), "UTC"), "2027-01-01");
  EXPECT_EQ(normalize_date("tomorrow", utc(2028, 2, 28, 12, 0), "UTC"), "2028-02-29");
}

TEST(NormalizeDate, CalendarDates) {
  EXPECT_EQ(normalize_date("march 12th", kWed, "UTC"), "2027-03-12");  // already past this year
  EXPECT_EQ(normalize_date("december 12", kWed, "UTC"), "2026-12-12");
  EXPECT_EQ(normalize_date("the 12th of march", kWed, "UTC"), "2027-03-12");
  EXPECT_EQ(normalize_date("march the twelfth", kWed, "UTC"), "2027-03-12");
  EXPECT_EQ(normalize_date("the 3rd", kWed, "UTC"), "2026-12-03");
  EXPECT_EQ(normalize_date("the twenty eighth", kWed, "UTC"), "2026-11-28");
  EXPECT_EQ(normalize_date("12/25", kWed, "UTC"), "2026-12-25");
  EXPECT_EQ(normalize_date("march 4th 2029", kWed, "UTC"), "2029-03-04");
  EXPECT_EQ(normalize_date("2027-01-15", kWed, "UTC"), "2027-01-15");
  EXPECT_EQ(normalize_date("thursday the 10th", kWed, "UTC"), "2026-12-10");  // the next such day
  EXPECT_FALSE(normalize_date("friday the 10th", kWed, "UTC") == "2026-12-10");
  EXPECT_EQ(normalize_date("3 days from now", kWed, "UTC"), "2026-11-28");
  EXPECT_FALSE(normalize_date("february 30th", kWed, "UTC"));
  EXPECT_FALSE(normalize_date("someday", kWed, "UTC"));
  EXPECT_FALSE(normalize_date("friday pizza", kWed, "UTC"));
}

TEST(NormalizeDate, UsesTheSessionTimeZone) {
  // 20:00 UTC on the 25th is already 05:00 on the 26th in Tokyo.
  auto now = utc(2026, 11, 25, 20, 0);
  EXPECT_EQ(normalize_date("today", now, "Asia/Tokyo"), "2026-11-26");
  EXPECT_EQ(normalize_date("tomorrow", now, "Asia/Tokyo"), "2026-11-27");
  EXPECT_EQ(normalize_date("today", now, "UTC"), "2026-11-25");
  // 03:00 UTC on the 26th is still the evening of the 25th in New York.
  EXPECT_EQ(normalize_date("today", utc(2026, 11, 26, 3, 0), "America/New_York"), "2026-11-25");
}

TEST(NormalizeDateTime, Forms) {
  EXPECT_EQ(normalize_datetime("tomorrow at 9", kWed, "UTC"), "2026-11-26T09:00");
  EXPECT_EQ(normalize_datetime("tomorrow at 9 pm", kWed, "UTC"), "2026-11-26T21:00");
  EXPECT_EQ(normalize_datetime("in two hours", kWed, "UTC"), "2026-11-25T12:00");
  EXPECT_EQ(normalize_datetime("in an hour and a half", kWed, "UTC"), "2026-11-25T11:30");
  EXPECT_EQ(normalize_datetime("in 10 minutes", kWed, "UTC"), "2026-11-25T10:10");
  EXPECT_EQ(normalize_datetime("at 5 pm", kWed, "UTC"), "2026-11-25T17:00");
  EXPECT_EQ(normalize_datetime("friday at noon", kWed, "UTC"), "2026-11-27T12:00");
  EXPECT_EQ(normalize_datetime("tonight at 8", kWed, "UTC"), "2026-11-25T20:00");
  EXPECT_EQ(normalize_datetime("at 7 tomorrow morning", kWed, "UTC"), "2026-11-26T07:00");
  EXPECT_EQ(normalize_datetime("tomorrow morning", kWed, "UTC"), "2026-11-26T09:00");
  EXPECT_EQ(normalize_datetime("next monday at 3:15 pm", kWed, "UTC"), "2026-11-30T15:15");
  EXPECT_FALSE(normalize_datetime("whenever", kWed, "UTC"));
  EXPECT_FALSE(normalize_datetime("tomorrow at banana", kWed, "UTC"));
}

TEST(NormalizeDateTime, AmbiguousHourIsTheNextOccurrence) {
  // 10:00 now: "at 9" is 21:00 today, "at 11" is 11:00 today.
  EXPECT_EQ(normalize_datetime("at 9", kWed, "UTC"), "2026-11-25T21:00");
  EXPECT_EQ(normalize_datetime("at 11", kWed, "UTC"), "2026-11-25T11:00");
  // 22:00 now: "at 9" is 09:00 tomorrow; "at 5 pm" is 17:00 tomorrow.
  auto late = utc(2026, 11, 25, 22, 0);
  EXPECT_EQ(normalize_datetime("at 9", late, "UTC"), "2026-11-26T09:00");
  EXPECT_EQ(normalize_datetime("at 5 pm", late, "UTC"), "2026-11-26T17:00");
  // The last minute of a month.
  EXPECT_EQ(normalize_datetime("at 7 am", utc(2026, 11, 30, 23, 59), "UTC"), "2026-12-01T07:00");
}

TEST(NormalizeDateTime, UsesTheSessionTimeZone) {
  auto now = utc(2026, 11, 25, 20, 0);  // 05:00 on the 26th in Tokyo
  EXPECT_EQ(normalize_datetime("in two hours", now, "Asia/Tokyo"), "2026-11-26T07:00");
  EXPECT_EQ(normalize_datetime("tomorrow at 9", now, "Asia/Tokyo"), "2026-11-27T09:00");
  EXPECT_EQ(normalize_datetime("at 6 am", now, "Asia/Tokyo"), "2026-11-26T06:00");
}

TEST(NormalizeDuration, Forms) {
  EXPECT_EQ(normalize_duration("ten minutes"), 600);
  EXPECT_EQ(normalize_duration("an hour and a half"), 5400);
  EXPECT_EQ(normalize_duration("in an hour and a half"), 5400);
  EXPECT_EQ(normalize_duration("90 seconds"), 90);
  EXPECT_EQ(normalize_duration("2 hours 30 minutes"), 9000);
  EXPECT_EQ(normalize_duration("2 hours and 30 minutes"), 9000);
  EXPECT_EQ(normalize_duration("half an hour"), 1800);
  EXPECT_EQ(normalize_duration("a minute and a half"), 90);
  EXPECT_EQ(normalize_duration("1.5 hours"), 5400);
  EXPECT_EQ(normalize_duration("one and a half hours"), 5400);
  EXPECT_EQ(normalize_duration("a quarter of an hour"), 900);
  EXPECT_EQ(normalize_duration("twenty five mins"), 1500);
  EXPECT_EQ(normalize_duration("for 3 days"), 259200);
}

TEST(NormalizeDuration, RejectsWhatIsNotADuration) {
  EXPECT_FALSE(normalize_duration("ten"));
  EXPECT_FALSE(normalize_duration("banana minutes"));
  EXPECT_FALSE(normalize_duration("minutes"));
  EXPECT_FALSE(normalize_duration("0 seconds"));
  EXPECT_FALSE(normalize_duration("ten minutes please"));
}

TEST(ValidTimezone, KnowsTheDatabase) {
  EXPECT_TRUE(valid_timezone("Asia/Tokyo"));
  EXPECT_TRUE(valid_timezone("UTC"));
  EXPECT_FALSE(valid_timezone("Mars/Olympus_Mons"));
  EXPECT_FALSE(valid_timezone(""));
}

}  // namespace
}  // namespace hark::nlu
