#include "dialog/speech.h"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <exception>

namespace hark::dialog {

namespace {

constexpr std::array<const char*, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",
                                                 "May",     "June",     "July",      "August",
                                                 "September", "October", "November", "December"};

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<date::year_month_day> read_ymd(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !read_int(s, 0, 4, y) || !read_int(s, 5, 2, m) ||
      !read_int(s, 8, 2, d))
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

std::optional<LocalTime> local_time(std::chrono::system_clock::time_point now, const std::string& tz) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(tz);
  } catch (const std::exception&) {
    return std::nullopt;  // unknown zone (the library reports it by throwing)
  }
  auto local = date::make_zoned(zone, std::chrono::time_point_cast<std::chrono::seconds>(now))
                   .get_local_time();
  auto day_point = date::floor<date::days>(local);
  date::year_month_day ymd{day_point};
  date::hh_mm_ss hms{local - day_point};
  LocalTime out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.weekday = static_cast<int>(date::weekday{day_point}.c_encoding());
  out.hour = static_cast<int>(hms.hours().count());
  out.minute = static_cast<int>(hms.minutes().count());
  return out;
}

std::optional<std::string> zone_of_place(std::string_view place) {
  std::string wanted;
  for (char c : place) {
    if (c == ' ' || c == '-') wanted += '_';
    else if (c >= 'A' && c <= 'Z') wanted += static_cast<char>(c - 'A' + 'a');
    else wanted += c;
  }
  if (wanted.rfind("the_", 0) == 0) wanted.erase(0, 4);
  if (wanted.empty()) return std::nullopt;
  try {
    for (const auto& zone : date::get_tzdb().zones) {
      std::string name(zone.name());
      std::string city = name.substr(name.rfind('/') + 1);
      if (name.find('/') == std::string::npos || name.rfind("Etc/", 0) == 0) continue;
      for (auto& c : city)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (city == wanted) return name;
    }
  } catch (const std::exception&) {
    // No tz database on this machine: no place can be resolved.
  }
  return std::nullopt;
}

std::string say_number(double value, int max_decimals) {
  if (!std::isfinite(value)) return "infinity";
  if (value == 0) return "0";
  double rounded = std::round(value);
  if (std::fabs(value - rounded) < 1e-9 * std::max(1.0, std::fabs(value)) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", rounded);
    return rounded == 0 ? "0" : buf;
  }
  char buf[64];
  double scale = std::pow(10.0, max_decimals);
  if (std::fabs(value) >= 1e15 || std::round(value * scale) == 0) {
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.*f", max_decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string say_clock(int hour, int minute, bool short_hours) {
  int h12 = hour % 12 == 0 ? 12 : hour % 12;
  const char* half = hour < 12 ? "AM" : "PM";
  char buf[32];
  if (short_hours && minute == 0)
    std::snprintf(buf, sizeof buf, "%d %s", h12, half);
  else
    std::snprintf(buf, sizeof buf, "%d:%02d %s", h12, minute, half);
  return buf;
}

std::string say_calendar_day(int year, int month, int day) {
  date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                           date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::to_string(year) + "-" + std::to_string(month) + "-" + std::to_string(day);
  auto wd = date::weekday{date::sys_days{ymd}}.c_encoding();
  return std::string(kWeekdays[wd]) + ", " + kMonths[month - 1] + " " + std::to_string(day);
}

std::optional<std::string> say_time_value(std::string_view hh_mm) {
  int h = 0, m = 0;
  if (hh_mm.size() != 5 || hh_mm[2] != ':' || !read_int(hh_mm, 0, 2, h) || !read_int(hh_mm, 3, 2, m) ||
      h > 23 || m > 59)
    return std::nullopt;
  return say_clock(h, m, true);
}

std::optional<std::string> say_date_value(std::string_view ymd_text, const LocalTime& today) {
  auto ymd = read_ymd(ymd_text);
  if (!ymd || ymd_text.size() != 10) return std::nullopt;
  date::sys_days that{*ymd};
  date::sys_days now_day{date::year_month_day{date::year{today.year},
                                              date::month{static_cast<unsigned>(today.month)},
                                              date::day{static_cast<unsigned>(today.day)}}};
  auto diff = (that - now_day).count();
  if (diff == 0) return "today";
  if (diff == 1) return "tomorrow";
  if (diff == -1) return "yesterday";
  return say_calendar_day(static_cast<int>(ymd->year()), static_cast<int>(static_cast<unsigned>(ymd->month())),
                          static_cast<int>(static_cast<unsigned>(ymd->day())));
}

std::optional<std::string> say_datetime_value(std::string_view value, const LocalTime& today) {
  if (value.size() != 16 || value[10] != 'T') return std::nullopt;
  auto day = say_date_value(value.substr(0, 10), today);
  auto time = say_time_value(value.substr(11));
  if (!day || !time) return std::nullopt;
  return *day + " at " + *time;
}

std::string say_duration(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  std::int64_t h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
  std::vector<std::string> parts;
  if (h) parts.push_back(say_count(static_cast<double>(h), "hour", "hours"));
  if (m) parts.push_back(say_count(static_cast<double>(m), "minute", "minutes"));
  if (s || parts.empty()) parts.push_back(say_count(static_cast<double>(s), "second", "seconds"));
  return join_words(parts);
}

std::string say_count(double value, std::string_view singular, std::string_view plural) {
  return say_number(value) + " " + std::string(value == 1 ? singular : plural);
}

std::string capitalize(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

std::string title_case(std::string text) {
  bool start = true;
  for (auto& c : text) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ' || c == '-';
  }
  return text;
}

}  // namespace hark::dialog
