// Fixed instants for tests: no test reads the real clock.
#pragma once

#include <date/date.h>

#include <chrono>

namespace hark::nlu::testing {

inline std::chrono::system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  using namespace std::chrono;
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + hours(h) + minutes(min);
}

}  // namespace hark::nlu::testing
