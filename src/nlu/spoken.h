// Readers for spoken numbers, times of day and durations, shared by the normalizers.
// Each takes the word list and a start index, consumes what it understands and sets
// `end` one past the last word it used. Internal to src/nlu.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace hark::nlu::spoken {

using Words = std::vector<std::string_view>;

Words split(std::string_view s);
inline bool is(const Words& w, std::size_t i, std::string_view word) {
  return i < w.size() && w[i] == word;
}
bool all_digits(std::string_view s);

// "twenty five", "a dozen", "two and a half", "2.5", "minus three".
std::optional<double> number_at(const Words& w, std::size_t i, std::size_t& end);
// "3rd", "third", "twenty first", "3".
std::optional<int> ordinal_at(const Words& w, std::size_t i, std::size_t& end);

struct TimeOfDay {
  int h = 0;
  int m = 0;
  bool explicit_meridiem = false;  // am/pm, noon, midnight, 24 h form, or a part of day
};
// "seven thirty", "7:30 pm", "noon", "half past six", "quarter to five".
std::optional<TimeOfDay> time_at(const Words& w, std::size_t i, std::size_t& end);

// "ten minutes", "an hour and a half", "2 hours 30 minutes" -> seconds.
std::optional<double> duration_at(const Words& w, std::size_t i, std::size_t& end);

}  // namespace hark::nlu::spoken
