// Value normalizers for the built-in slot types. Each takes the words of one slot
// (lower case, tokens separated by single spaces, punctuation removed except ':' in
// "7:30" and '.' in "2.5") and returns the normalized value, or nullopt when the words
// are not a value of that type.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hark::nlu {

// "twenty five", "25", "a dozen", "two and a half", "minus three", "1,000" -> number.
std::optional<double> normalize_number(std::string_view words);

// "seven thirty", "7:30 pm", "noon", "twelve thirty am", "half past six" -> "HH:MM".
std::optional<std::string> normalize_time(std::string_view words);

// "today", "tomorrow", "next friday", "march 12th", "the 3rd" -> "YYYY-MM-DD",
// relative to `now` in the IANA time zone `tz`.
std::optional<std::string> normalize_date(std::string_view words,
                                          std::chrono::system_clock::time_point now,
                                          const std::string& tz);

// "tomorrow at 9", "in two hours", "friday at noon", "at 5 pm" -> "YYYY-MM-DDTHH:MM".
std::optional<std::string> normalize_datetime(std::string_view words,
                                              std::chrono::system_clock::time_point now,
                                              const std::string& tz);

// "ten minutes", "an hour and a half", "90 seconds" -> whole seconds.
std::optional<std::int64_t> normalize_duration(std::string_view words);

// True when `tz` names a time zone of the tz database.
bool valid_timezone(const std::string& tz);

}  // namespace hark::nlu
