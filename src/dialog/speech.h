// Values said aloud: numbers, clock times, dates, durations, lists of words. The answers
// are spoken by a TTS engine, so "7:30 AM" and "tomorrow" read better than "07:30" and
// "2026-11-26".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::dialog {

// A moment as read on a wall clock of some time zone.
struct LocalTime {
  int year = 1970;
  int month = 1;    // 1..12
  int day = 1;      // 1..31
  int weekday = 4;  // 0 = Sunday
  int hour = 0;
  int minute = 0;
};

// `now` in the IANA zone `tz`; nullopt for an unknown zone.
std::optional<LocalTime> local_time(std::chrono::system_clock::time_point now, const std::string& tz);

// The IANA zone of a place named like a zone's city: "paris" -> "Europe/Paris",
// "new york" -> "America/New_York". nullopt when no zone has that city.
std::optional<std::string> zone_of_place(std::string_view place);

// 3 -> "3", 2.5 -> "2.5", 1.23456 -> "1.23" (at most `max_decimals`, trailing zeros cut);
// a small non-zero value keeps 3 significant digits rather than reading "0".
std::string say_number(double value, int max_decimals = 2);

// {"milk"} -> "milk"; {"milk", "eggs"} -> "milk and eggs"; three -> "a, b and c".
std::string join_words(const std::vector<std::string>& words);

// 15, 5 -> "3:05 PM"; with `short_hours`, 7, 0 -> "7 AM".
std::string say_clock(int hour, int minute, bool short_hours = false);

// "Wednesday, November 25".
std::string say_calendar_day(int year, int month, int day);

// "HH:MM" -> "7:30 AM"; nullopt when it is not such a time.
std::optional<std::string> say_time_value(std::string_view hh_mm);

// "YYYY-MM-DD" -> "today", "tomorrow", "yesterday" relative to `today`, else
// "Friday, November 27"; nullopt when it is not such a date.
std::optional<std::string> say_date_value(std::string_view ymd, const LocalTime& today);

// "YYYY-MM-DDTHH:MM" -> "tomorrow at 9 AM", "Friday, November 27 at 6:30 PM".
std::optional<std::string> say_datetime_value(std::string_view value, const LocalTime& today);

// 600 -> "10 minutes"; 5400 -> "1 hour and 30 minutes"; 1 -> "1 second".
std::string say_duration(std::int64_t seconds);

// "1 mile" / "2 miles": `singular` when value is exactly 1.
std::string say_count(double value, std::string_view singular, std::string_view plural);

// First letter upper case (ASCII).
std::string capitalize(std::string text);

// Every word's first letter upper case: "new york" -> "New York".
std::string title_case(std::string text);

}  // namespace hark::dialog
