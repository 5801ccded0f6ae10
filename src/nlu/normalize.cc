// The normalizers: dates and datetimes are read here, relative to "now" in the session's
// zone; numbers, times of day and durations come from spoken.h. Every public function
// requires the whole phrase to be consumed.
#include "nlu/normalize.h"

#include "nlu/spoken.h"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

// Durations longer than a hundred years are no one's timer or reminder.
constexpr double kMaxDurationSeconds = 100.0 * 366 * 24 * 3600;
namespace {

using namespace spoken;

int lookup(const std::unordered_map<std::string_view, int>& m, std::string_view w) {
  auto it = m.find(w);
  return it == m.end() ? -1 : it->second;
}

const std::unordered_map<std::string_view, int> kWeekdays = {
    {"sunday", 0},   {"monday", 1}, {"tuesday", 2}, {"wednesday", 3}, {"thursday", 4},
    {"friday", 5},   {"saturday", 6}, {"sun", 0},   {"mon", 1},       {"tue", 2},
    {"tues", 2},     {"wed", 3},    {"thu", 4},     {"thurs", 4},     {"fri", 5},
    {"sat", 6},      {"mondays", 1}, {"tuesdays", 2}, {"wednesdays", 3}, {"thursdays", 4},
    {"fridays", 5},  {"saturdays", 6}, {"sundays", 0}};
const std::unordered_map<std::string_view, int> kMonths = {
    {"january", 1}, {"jan", 1},   {"february", 2}, {"feb", 2},       {"march", 3},
    {"mar", 3},     {"april", 4}, {"apr", 4},      {"may", 5},       {"june", 6},
    {"jun", 6},     {"july", 7},  {"jul", 7},      {"august", 8},    {"aug", 8},
    {"september", 9}, {"sep", 9}, {"sept", 9},     {"october", 10},  {"oct", 10},
    {"november", 11}, {"nov", 11}, {"december", 12}, {"dec", 12}};

using date::days;
using date::sys_days;
using date::year_month_day;

// Local "now" in a zone; an unknown zone reads as UTC (the session config is validated).
date::local_time<std::chrono::minutes> local_now(std::chrono::system_clock::time_point now,
                                                 const std::string& tz) {
  auto t = std::chrono::floor<std::chrono::minutes>(now);
  try {
    const date::time_zone* zone = date::locate_zone(tz);
    return std::chrono::floor<std::chrono::minutes>(
        date::zoned_time<std::chrono::minutes>(zone, t).get_local_time());
  } catch (const std::exception&) {
    return date::local_time<std::chrono::minutes>(t.time_since_epoch());
  }
}

std::optional<year_month_day> valid(year_month_day d) {
  if (!d.ok()) return std::nullopt;
  return d;
}

// The next date (today included) with month/day, in this year or the next.
std::optional<year_month_day> month_day(year_month_day today, int month, int day,
                                        std::optional<int> year) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (year) return valid(year_month_day{date::year{*year}, date::month(month), date::day(day)});
  for (int y = int(today.year()); y <= int(today.year()) + 4; ++y) {
    year_month_day d{date::year{y}, date::month(month), date::day(day)};
    if (d.ok() && sys_days(d) >= sys_days(today)) return d;
  }
  return std::nullopt;
}

std::optional<year_month_day> date_at(const Words& w, std::size_t i, year_month_day today,
                                      std::size_t& end) {
  std::size_t k = i;
  if (is(w, k, "on") || is(w, k, "for")) ++k;
  auto plus = [&](int n, std::size_t e) {
    end = e;
    return year_month_day{sys_days(today) + days(n)};
  };
  if (is(w, k, "today") || is(w, k, "tonight") || is(w, k, "todays")) return plus(0, k + 1);
  if (is(w, k, "this") && (is(w, k + 1, "morning") || is(w, k + 1, "afternoon") ||
                           is(w, k + 1, "evening")))
    return plus(0, k + 2);
  if (is(w, k, "tomorrow") || is(w, k, "tmrw") || is(w, k, "tomorrows")) return plus(1, k + 1);
  if (is(w, k, "yesterday")) return plus(-1, k + 1);
  {
    std::size_t k2 = k;
    if (is(w, k2, "the")) ++k2;
    if (is(w, k2, "day") && is(w, k2 + 1, "after") && is(w, k2 + 2, "tomorrow")) return plus(2, k2 + 3);
  }
  // "in three days", "in a week"
  if (is(w, k, "in")) {
    std::size_t e = k + 1;
    std::optional<double> n;
    if (is(w, e, "a") || is(w, e, "an") || is(w, e, "one")) {
      n = 1;
      ++e;
    } else {
      n = number_at(w, e, e);
    }
    if (n && *n >= 0 && std::floor(*n) == *n) {
      if (is(w, e, "days") || is(w, e, "day")) return plus(int(*n), e + 1);
      if (is(w, e, "weeks") || is(w, e, "week")) return plus(int(*n) * 7, e + 1);
    }
  }
  // "3 days from now"
  {
    std::size_t e = k;
    if (auto n = number_at(w, e, e); n && *n >= 0 && std::floor(*n) == *n) {
      int mult = (is(w, e, "days") || is(w, e, "day")) ? 1 : (is(w, e, "weeks") || is(w, e, "week")) ? 7 : 0;
      if (mult && is(w, e + 1, "from") && (is(w, e + 2, "now") || is(w, e + 2, "today")))
        return plus(int(*n) * mult, e + 3);
    }
  }
  if ((is(w, k, "next") || is(w, k, "this")) && is(w, k + 1, "week")) {
    if (is(w, k, "next")) return plus(7, k + 2);
  }
  // weekdays
  {
    std::size_t k2 = k;
    enum { kPlain, kNext, kThis } mode = kPlain;
    if (is(w, k2, "next") || is(w, k2, "coming")) {
      mode = kNext;
      ++k2;
    } else if (is(w, k2, "this")) {
      mode = kThis;
      ++k2;
    } else if (is(w, k2, "the") && is(w, k2 + 1, "coming")) {
      mode = kNext;
      k2 += 2;
    }
    if (k2 < w.size()) {
      if (int wd = lookup(kWeekdays, w[k2]); wd >= 0) {
        int today_wd = int(date::weekday(sys_days(today)).c_encoding());
        int diff = (wd - today_wd + 7) % 7;
        if (diff == 0 && mode != kThis) diff = 7;
        std::size_t e = k2 + 1;
        // "thursday the 14th": the day of the month decides, the weekday only confirms.
        if (is(w, e, "the")) {
          std::size_t e2 = e + 1;
          if (auto d = ordinal_at(w, e2, e2); d && w[e2 - 1].size() > 2 && !all_digits(w[e2 - 1])) {
            auto ym = today.year() / today.month();
            for (int step = 0; step < 12; ++step) {
              year_month_day cand{ym / date::day(*d)};
              if (cand.ok() && sys_days(cand) >= sys_days(today) &&
                  int(date::weekday(sys_days(cand)).c_encoding()) == wd) {
                end = e2;
                return cand;
              }
              ym += date::months(1);
            }
            return std::nullopt;
          }
        }
        if (is(w, e, "next") && is(w, e + 1, "week")) {
          diff = diff + (diff <= (7 - today_wd) % 7 ? 7 : 0);
          e += 2;
        }
        return plus(diff, e);
      }
    }
  }
  // "march 12th", "march the 12th", "12th of march", "the 12th", "12/25", "2026-03-12"
  if (k < w.size()) {
    std::string_view t = w[k];
    if (t.find('-') != std::string_view::npos && t.size() == 10) {
      int y = 0, m = 0, d = 0;
      if (std::sscanf(std::string(t).c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3) {
        end = k + 1;
        return valid(year_month_day{date::year{y}, date::month(m), date::day(d)});
      }
    }
    // At most "12/25/2026": longer digit runs overflowed sscanf's %d, and a year of more
    // than four digits made no "YYYY-MM-DD" (both found by fuzz/fuzz_normalize).
    if (auto slash = t.find('/'); slash != std::string_view::npos && t.size() <= 10) {
      int m = 0, d = 0, y = 0;
      int n = std::sscanf(std::string(t).c_str(), "%d/%d/%d", &m, &d, &y);
      if (n == 3 && (y < 0 || y > 9999)) return std::nullopt;
      if (n >= 2) {
        std::optional<int> year;
        if (n == 3) year = y < 100 ? 2000 + y : y;
        end = k + 1;
        return month_day(today, m, d, year);
      }
    }
  }
  auto year_at = [&](std::size_t& e) -> std::optional<int> {
    if (is(w, e, ",")) ++e;
    if (e < w.size() && all_digits(w[e]) && w[e].size() == 4) return std::stoi(std::string(w[e++]));
    return std::nullopt;
  };
  if (k < w.size()) {
    if (int month = lookup(kMonths, w[k]); month > 0) {
      std::size_t e = k + 1;
      if (is(w, e, "the")) ++e;
      if (auto d = ordinal_at(w, e, e)) {
        auto year = year_at(e);
        end = e;
        return month_day(today, month, *d, year);
      }
    }
    std::size_t e = k;
    bool the = false;
    if (is(w, e, "the")) {
      ++e;
      the = true;
    }
    if (auto d = ordinal_at(w, e, e)) {
      std::size_t e2 = e;
      if (is(w, e2, "of")) ++e2;
      if (e2 < w.size()) {
        if (int month = lookup(kMonths, w[e2]); month > 0) {
          ++e2;
          auto year = year_at(e2);
          end = e2;
          return month_day(today, month, *d, year);
        }
      }
      // "the 3rd": this month if still ahead, else next month.
      bool ordinal_word = w[e - 1].size() > 2 && !all_digits(w[e - 1]);
      if (the && ordinal_word && *d >= 1 && *d <= 31) {
        auto ym = today.year() / today.month();
        for (int step = 0; step < 3; ++step) {
          year_month_day cand{ym / date::day(*d)};
          if (cand.ok() && sys_days(cand) >= sys_days(today)) {
            end = e;
            return cand;
          }
          ym += date::months(1);
        }
      }
    }
  }
  return std::nullopt;
}

std::string fmt_date(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(d.year()), unsigned(d.month()),
                unsigned(d.day()));
  return buf;
}

std::string fmt_time(int h, int m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
  return buf;
}


int daytime_hour(int h) { return (h >= 1 && h <= 6) ? h + 12 : h; }

}  // namespace

std::optional<double> normalize_number(std::string_view words) {
  auto w = split(words);
  std::size_t end = 0;
  auto v = number_at(w, 0, end);
  if (!v || end != w.size()) return std::nullopt;
  return v;
}

std::optional<std::string> normalize_time(std::string_view words) {
  auto w = split(words);
  std::size_t k = 0;
  if (is(w, k, "at") || is(w, k, "for")) ++k;
  std::size_t end = 0;
  auto t = time_at(w, k, end);
  if (!t || end != w.size()) return std::nullopt;
  return fmt_time(t->h, t->m);
}

std::optional<std::string> normalize_date(std::string_view words,
                                          std::chrono::system_clock::time_point now,
                                          const std::string& tz) {
  auto w = split(words);
  auto local = local_now(now, tz);
  year_month_day today{std::chrono::floor<days>(local)};
  std::size_t end = 0;
  auto d = date_at(w, 0, today, end);
  if (!d || end != w.size()) return std::nullopt;
  return fmt_date(*d);
}

std::optional<std::string> normalize_datetime(std::string_view words,
                                              std::chrono::system_clock::time_point now,
                                              const std::string& tz) {
  auto w = split(words);
  auto local = local_now(now, tz);
  auto today_days = std::chrono::floor<days>(local);
  year_month_day today{today_days};
  int now_min = int((local - today_days).count());
  auto out = [](date::local_time<std::chrono::minutes> t) {
    auto d = std::chrono::floor<days>(t);
    auto m = int((t - d).count());
    return fmt_date(year_month_day{d}) + "T" + fmt_time(m / 60, m % 60);
  };

  std::size_t k = 0;
  // "in two hours", "in an hour and a half"
  if (is(w, 0, "in")) {
    std::size_t end = 0;
    if (auto secs = duration_at(w, 1, end); secs && end == w.size()) {
      // Within a hundred years: beyond, llround overflows and the year has five digits
      // (found by fuzz/fuzz_normalize).
      if (!(std::abs(*secs) <= kMaxDurationSeconds)) return std::nullopt;
      auto t = local + std::chrono::minutes(std::llround(*secs / 60.0));
      return out(t);
    }
  }

  std::optional<year_month_day> date;
  std::optional<TimeOfDay> time;
  int part_hint = -1;  // 0 morning, 12 afternoon/evening
  int default_hour = -1;
  auto read_part = [&](std::size_t& e) {
    std::size_t e0 = e;
    if (is(w, e, "in") && is(w, e + 1, "the")) e += 2;
    if (is(w, e, "morning")) {
      part_hint = 0, default_hour = 9;
    } else if (is(w, e, "afternoon")) {
      part_hint = 12, default_hour = 15;
    } else if (is(w, e, "evening")) {
      part_hint = 12, default_hour = 19;
    } else if (is(w, e, "night")) {
      part_hint = 12, default_hour = 21;
    } else {
      e = e0;
      return false;
    }
    ++e;
    return true;
  };
  auto read_time = [&](std::size_t& e) {
    std::size_t e2 = e;
    if (is(w, e2, "at") || is(w, e2, "by") || is(w, e2, "around") || is(w, e2, "for")) ++e2;
    if (auto t = time_at(w, e2, e2)) {
      time = t;
      e = e2;
      return true;
    }
    return false;
  };
  auto read_date = [&](std::size_t& e) {
    std::size_t e2 = e;
    auto d = date_at(w, e2, today, e2);
    if (!d) return false;
    std::string_view last = w[e2 - 1];
    if (last == "tonight") part_hint = 12, default_hour = 20;
    else if (last == "morning") part_hint = 0, default_hour = 9;
    else if (last == "afternoon") part_hint = 12, default_hour = 15;
    else if (last == "evening") part_hint = 12, default_hour = 19;
    date = d;
    e = e2;
    return true;
  };
  if (read_date(k)) {
    read_part(k);
    read_time(k);
    if (!time) read_part(k);
  } else if (read_time(k)) {
    read_date(k);
    if (date) read_part(k);
  }
  if (k != w.size() || (!date && !time)) return std::nullopt;

  if (time && time->explicit_meridiem == false && part_hint >= 0 && time->h >= 1 && time->h <= 12) {
    time->h = time->h % 12 + part_hint;
    time->explicit_meridiem = true;
  }
  if (!time) {
    int h = default_hour >= 0 ? default_hour : 9;
    return fmt_date(*date) + "T" + fmt_time(h, 0);
  }
  if (date && sys_days(*date) != sys_days(today)) {
    int h = time->explicit_meridiem ? time->h : daytime_hour(time->h);
    return fmt_date(*date) + "T" + fmt_time(h, time->m);
  }
  // Today or no date: the next occurrence after now.
  std::vector<int> candidates;
  if (time->explicit_meridiem || time->h > 12 || time->h == 0) {
    candidates.push_back(time->h * 60 + time->m);
  } else {
    candidates.push_back((time->h % 12) * 60 + time->m);
    candidates.push_back((time->h % 12 + 12) * 60 + time->m);
  }
  for (int c : candidates)
    if (c > now_min) return out(date::local_time<std::chrono::minutes>(today_days) + std::chrono::minutes(c));
  if (date) {  // "today at 7 am" when it is already past: keep today as said
    return fmt_date(today) + "T" + fmt_time(candidates.back() / 60, candidates.back() % 60);
  }
  return out(date::local_time<std::chrono::minutes>(today_days) + days(1) +
             std::chrono::minutes(candidates.front()));
}

std::optional<std::int64_t> normalize_duration(std::string_view words) {
  auto w = split(words);
  std::size_t k = 0;
  if (is(w, k, "in") || is(w, k, "for") || is(w, k, "about")) ++k;
  std::size_t end = 0;
  auto secs = duration_at(w, k, end);
  if (!secs || end != w.size() || *secs <= 0) return std::nullopt;
  // llround of a number past int64 is undefined (it came out negative for "5555...0 s",
  // found by fuzz/fuzz_normalize), and no timer is that long.
  if (!(*secs <= kMaxDurationSeconds)) return std::nullopt;
  return std::llround(*secs);
}

bool valid_timezone(const std::string& tz) {
  try {
    return date::locate_zone(tz) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace hark::nlu
