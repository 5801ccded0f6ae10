#include "nlu/spoken.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace hark::nlu::spoken {
namespace {

const std::unordered_map<std::string_view, int> kSmall = {
    {"zero", 0},     {"one", 1},        {"two", 2},        {"three", 3},     {"four", 4},
    {"five", 5},     {"six", 6},        {"seven", 7},      {"eight", 8},     {"nine", 9},
    {"ten", 10},     {"eleven", 11},    {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14},
    {"fifteen", 15}, {"sixteen", 16},   {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}};
const std::unordered_map<std::string_view, int> kTens = {
    {"twenty", 20}, {"thirty", 30},  {"forty", 40},  {"fourty", 40},
    {"fifty", 50},  {"sixty", 60},   {"seventy", 70}, {"eighty", 80}, {"ninety", 90}};
const std::unordered_map<std::string_view, int> kOrdinals = {
    {"first", 1},        {"second", 2},      {"third", 3},        {"fourth", 4},
    {"fifth", 5},        {"sixth", 6},       {"seventh", 7},      {"eighth", 8},
    {"ninth", 9},        {"tenth", 10},      {"eleventh", 11},    {"twelfth", 12},
    {"thirteenth", 13},  {"fourteenth", 14}, {"fifteenth", 15},   {"sixteenth", 16},
    {"seventeenth", 17}, {"eighteenth", 18}, {"nineteenth", 19},  {"twentieth", 20},
    {"thirtieth", 30}};

int lookup(const std::unordered_map<std::string_view, int>& m, std::string_view w) {
  auto it = m.find(w);
  return it == m.end() ? -1 : it->second;
}

// Reads the longest number at w[i]; on success `end` is one past its last word.

std::optional<double> decimal(std::string_view s) {
  if (s.empty() || !(s[0] >= '0' && s[0] <= '9')) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Words split(std::string_view s) {
  Words out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<double> number_at(const Words& w, std::size_t i, std::size_t& end) {
  double sign = 1;
  if (is(w, i, "minus") || is(w, i, "negative")) {
    sign = -1;
    ++i;
  }
  enum Last { kNone, kDigit, kUnit, kTen, kHundred, kScale, kDozen } last = kNone;
  double total = 0, cur = 0;
  std::size_t good = i;
  bool any = false;
  std::size_t k = i;
  while (k < w.size()) {
    std::string_view t = w[k];
    if (auto d = decimal(t)) {
      if (any) break;
      cur = *d;
      last = kDigit;
    } else if (int v = lookup(kSmall, t); v >= 0) {
      if (last == kDigit || last == kUnit || last == kDozen) break;
      if (last == kTen && (v == 0 || v >= 10)) break;
      cur += v;
      last = kUnit;
    } else if (int v2 = lookup(kTens, t); v2 >= 0) {
      if (last == kDigit || last == kUnit || last == kTen || last == kDozen) break;
      cur += v2;
      last = kTen;
    } else if (t == "hundred") {
      if (!any || last == kHundred || last == kDozen || cur >= 100) break;
      cur *= 100;
      last = kHundred;
    } else if (t == "thousand" || t == "million" || t == "billion") {
      if (!any || last == kScale) break;
      double scale = t == "thousand" ? 1e3 : t == "million" ? 1e6 : 1e9;
      total += cur * scale;
      cur = 0;
      last = kScale;
    } else if (t == "dozen") {
      if (!any || last == kDozen) break;
      cur *= 12;
      last = kDozen;
    } else if ((t == "a" || t == "an") && !any &&
               (is(w, k + 1, "hundred") || is(w, k + 1, "thousand") || is(w, k + 1, "million") ||
                is(w, k + 1, "dozen"))) {
      cur = 1;
      last = kUnit;
      any = true;
      ++k;
      continue;  // the scale word itself completes the number
    } else if (t == "and" && (last == kHundred || last == kScale) &&
               (lookup(kSmall, w.size() > k + 1 ? w[k + 1] : "") >= 0 ||
                lookup(kTens, w.size() > k + 1 ? w[k + 1] : "") >= 0)) {
      ++k;
      continue;
    } else {
      break;
    }
    any = true;
    ++k;
    good = k;
  }
  double value = total + cur;
  // Fractions: "two point five", "two and a half", "half", "a half", "half a dozen".
  if (any && is(w, good, "point") && good + 1 < w.size()) {
    std::string digits;
    std::size_t k2 = good + 1;
    while (k2 < w.size()) {
      int v = lookup(kSmall, w[k2]);
      if (w[k2] == "oh") v = 0;
      if (v < 0 || v > 9) break;
      digits.push_back(static_cast<char>('0' + v));
      ++k2;
    }
    if (!digits.empty()) {
      value += std::stod("0." + digits);
      good = k2;
    }
  } else if (any && is(w, good, "and") && is(w, good + 1, "a") &&
             (is(w, good + 2, "half") || is(w, good + 2, "quarter"))) {
    value += is(w, good + 2, "half") ? 0.5 : 0.25;
    good += 3;
  } else if (!any) {
    std::size_t k2 = i;
    if (is(w, k2, "a") || is(w, k2, "one")) ++k2;
    if (is(w, k2, "half")) {
      if (is(w, k2 + 1, "a") && is(w, k2 + 2, "dozen")) {
        value = 6;
        good = k2 + 3;
      } else {
        value = 0.5;
        good = k2 + 1;
      }
      any = true;
    } else if (is(w, i, "a") && is(w, i + 1, "couple")) {
      value = 2;
      good = i + 2;
      if (is(w, good, "of")) ++good;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  end = good;
  return sign * value;
}

// "3rd", "third", "twenty first", "3" -> 3.
std::optional<int> ordinal_at(const Words& w, std::size_t i, std::size_t& end) {
  if (i >= w.size()) return std::nullopt;
  std::string_view t = w[i];
  if (t.size() >= 3) {
    auto suffix = t.substr(t.size() - 2);
    if ((suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") &&
        all_digits(t.substr(0, t.size() - 2))) {
      // "99999999999th" is no ordinal anyone says (std::stoi threw out_of_range on it:
      // found by fuzz/fuzz_normalize).
      if (t.size() - 2 > 4) return std::nullopt;
      end = i + 1;
      return std::stoi(std::string(t.substr(0, t.size() - 2)));
    }
  }
  if (all_digits(t) && t.size() <= 2) {
    end = i + 1;
    return std::stoi(std::string(t));
  }
  if (int v = lookup(kOrdinals, t); v >= 0) {
    end = i + 1;
    return v;
  }
  if (int tens = lookup(kTens, t); tens >= 0 && i + 1 < w.size()) {
    if (int v = lookup(kOrdinals, w[i + 1]); v >= 1 && v <= 9) {
      end = i + 2;
      return tens + v;
    }
  }
  return std::nullopt;
}

namespace {

// A small whole number said as a word or digits, for hours and minutes.
std::optional<int> small_int_at(const Words& w, std::size_t i, std::size_t& end) {
  if (i >= w.size()) return std::nullopt;
  if (all_digits(w[i]) && w[i].size() <= 2) {
    end = i + 1;
    return std::stoi(std::string(w[i]));
  }
  if (int v = lookup(kSmall, w[i]); v >= 0) {
    end = i + 1;
    return v;
  }
  if (int t = lookup(kTens, w[i]); t >= 0) {
    if (i + 1 < w.size())
      if (int u = lookup(kSmall, w[i + 1]); u >= 1 && u <= 9) {
        end = i + 2;
        return t + u;
      }
    end = i + 1;
    return t;
  }
  return std::nullopt;
}

// am/pm and parts of the day after a time; returns +12 (pm), 0 (am) or -1 (none).
int meridiem_at(const Words& w, std::size_t i, std::size_t& end) {
  auto take = [&](std::size_t n, int v) {
    end = i + n;
    return v;
  };
  if (is(w, i, "am") || (is(w, i, "a") && is(w, i + 1, "m"))) return take(is(w, i, "am") ? 1 : 2, 0);
  if (is(w, i, "pm") || (is(w, i, "p") && is(w, i + 1, "m"))) return take(is(w, i, "pm") ? 1 : 2, 12);
  if (is(w, i, "in") && is(w, i + 1, "the")) {
    if (is(w, i + 2, "morning")) return take(3, 0);
    if (is(w, i + 2, "afternoon") || is(w, i + 2, "evening")) return take(3, 12);
  }
  if (is(w, i, "at") && is(w, i + 1, "night")) return take(2, 12);
  if (is(w, i, "tonight")) return take(1, 12);
  if (is(w, i, "this") && is(w, i + 1, "morning")) return take(2, 0);
  if (is(w, i, "this") && (is(w, i + 1, "afternoon") || is(w, i + 1, "evening"))) return take(2, 12);
  return -1;
}

std::optional<TimeOfDay> apply_meridiem(TimeOfDay t, int mer) {
  if (mer < 0) return t;
  if (t.h < 1 || t.h > 12) {
    if (t.h == 0 && mer == 0) {
      t.explicit_meridiem = true;
      return t;
    }
    return std::nullopt;
  }
  t.h = t.h % 12 + mer;
  t.explicit_meridiem = true;
  return t;
}

const std::unordered_map<std::string_view, std::int64_t> kUnits = {
    {"second", 1},     {"seconds", 1},  {"sec", 1},      {"secs", 1},     {"s", 1},
    {"minute", 60},    {"minutes", 60}, {"min", 60},     {"mins", 60},    {"m", 60},
    {"hour", 3600},    {"hours", 3600}, {"hr", 3600},    {"hrs", 3600},   {"h", 3600},
    {"day", 86400},    {"days", 86400}, {"week", 604800}, {"weeks", 604800}};

}  // namespace

std::optional<TimeOfDay> time_at(const Words& w, std::size_t i, std::size_t& end) {
  if (i >= w.size()) return std::nullopt;
  std::size_t k = i;
  TimeOfDay t;
  if (w[k] == "noon" || w[k] == "midday" || w[k] == "midnight") {
    t.h = w[k] == "midnight" ? 0 : 12;
    t.explicit_meridiem = true;
    end = k + 1;
    return t;
  }
  // "half past six", "quarter to five", "ten past seven", "twenty to eight"
  {
    std::size_t k2 = k;
    int minutes = -1;
    if (is(w, k2, "half")) {
      minutes = 30;
      ++k2;
    } else if (is(w, k2, "quarter") || (is(w, k2, "a") && is(w, k2 + 1, "quarter"))) {
      k2 += is(w, k2, "a") ? 2 : 1;
      minutes = 15;
    } else if (auto n = small_int_at(w, k2, k2); n && *n >= 1 && *n <= 30) {
      minutes = *n;
      if (is(w, k2, "minutes") || is(w, k2, "minute")) ++k2;
    } else {
      k2 = k;
    }
    bool past = is(w, k2, "past") || is(w, k2, "after");
    bool to = is(w, k2, "to") || is(w, k2, "till") || is(w, k2, "before") || is(w, k2, "til");
    if (minutes >= 0 && (past || to)) {
      std::size_t e = k2 + 1;
      std::optional<int> hour;
      if (is(w, e, "noon")) {
        hour = 12;
        ++e;
      } else if (is(w, e, "midnight")) {
        hour = 0;
        ++e;
      } else {
        hour = small_int_at(w, e, e);
      }
      if (hour && *hour <= 23) {
        TimeOfDay r;
        int total = *hour * 60 + (past ? minutes : -minutes);
        total = (total + 24 * 60) % (24 * 60);
        r.h = total / 60;
        r.m = total % 60;
        if (past && r.h == 0 && *hour == 12) r.h = 12;
        if (to && *hour == 1 && r.h == 0) r.h = 12;
        r.explicit_meridiem = w[k2 + 1] == "noon" || w[k2 + 1] == "midnight";
        std::size_t e2 = e;
        int mer = meridiem_at(w, e, e2);
        if (auto applied = apply_meridiem(r, mer)) {
          end = mer >= 0 ? e2 : e;
          return applied;
        }
        return std::nullopt;
      }
    }
  }
  // "7:30", "19:00", "7", "seven", "seven thirty", "seven oh five", "7 30"
  std::string_view first = w[k];
  if (auto colon = first.find(':'); colon != std::string_view::npos) {
    auto hs = first.substr(0, colon), ms = first.substr(colon + 1);
    if (!all_digits(hs) || !all_digits(ms) || ms.size() != 2 || hs.size() > 2) return std::nullopt;
    t.h = std::stoi(std::string(hs));
    t.m = std::stoi(std::string(ms));
    t.explicit_meridiem = t.h > 12 || t.h == 0 || (hs.size() == 2 && hs[0] == '0');
    ++k;
  } else {
    auto h = small_int_at(w, k, k);
    if (!h || *h > 24) return std::nullopt;
    t.h = *h == 24 ? 0 : *h;
    t.explicit_meridiem = *h > 12 || *h == 0;
    if (all_digits(w[i]) && w[i].size() == 2 && w[i][0] == '0') t.explicit_meridiem = true;
    // minutes
    if (is(w, k, "oh") || is(w, k, "o")) {
      std::size_t e = k + 1;
      if (auto m = small_int_at(w, e, e); m && *m >= 1 && *m <= 9) {
        t.m = *m;
        k = e;
      }
    } else if (k < w.size() && !(all_digits(w[k]) && w[k].size() == 1)) {
      std::size_t e = k;
      if (auto m = small_int_at(w, k, e); m && *m >= 10 && *m <= 59) {
        t.m = *m;
        k = e;
      } else if (all_digits(w[k]) && w[k].size() == 2 && w[k] == "00") {
        k = k + 1;
      }
    } else if (is(w, k, "hundred")) {
      ++k;
    }
    if (is(w, k, "oclock") || is(w, k, "o'clock")) ++k;
  }
  if (t.h > 23 || t.m > 59) return std::nullopt;
  std::size_t e = k;
  int mer = meridiem_at(w, k, e);
  auto r = apply_meridiem(t, mer);
  if (!r) return std::nullopt;
  end = mer >= 0 ? e : k;
  return r;
}

std::optional<double> duration_at(const Words& w, std::size_t i, std::size_t& end) {
  std::size_t k = i;
  double total = 0;
  bool any = false;
  while (k < w.size()) {
    std::size_t k2 = k;
    if (any && is(w, k2, "and")) ++k2;
    // "half an hour", "a quarter of an hour", "quarter hour"
    {
      std::size_t k3 = k2;
      double frac = 0;
      if (is(w, k3, "half")) {
        frac = 0.5;
        ++k3;
      } else if (is(w, k3, "a") && is(w, k3 + 1, "quarter")) {
        frac = 0.25;
        k3 += 2;
      } else if (is(w, k3, "quarter")) {
        frac = 0.25;
        ++k3;
      } else if (is(w, k3, "a") && is(w, k3 + 1, "half")) {
        frac = 0.5;
        k3 += 2;
      }
      if (frac > 0) {
        if (is(w, k3, "of")) ++k3;
        if (is(w, k3, "an") || is(w, k3, "a")) ++k3;
        if (k3 < w.size()) {
          auto it = kUnits.find(w[k3]);
          if (it != kUnits.end() && it->second >= 60) {
            total += frac * double(it->second);
            k = k3 + 1;
            any = true;
            continue;
          }
        }
      }
    }
    std::optional<double> n;
    std::size_t e = k2;
    if (is(w, e, "a") || is(w, e, "an")) {
      if (is(w, e + 1, "couple")) {
        n = 2;
        e += 2;
        if (is(w, e, "of")) ++e;
      } else if (is(w, e + 1, "few")) {
        n = 3;
        e += 2;
      } else {
        n = 1;
        ++e;
      }
    } else {
      n = number_at(w, e, e);
    }
    if (!n || *n < 0 || e >= w.size()) break;
    auto it = kUnits.find(w[e]);
    if (it == kUnits.end()) break;
    double unit = double(it->second);
    total += *n * unit;
    ++e;
    if (is(w, e, "and") && is(w, e + 1, "a") && is(w, e + 2, "half")) {
      total += unit / 2;
      e += 3;
    } else if (is(w, e, "and") && is(w, e + 1, "a") && is(w, e + 2, "quarter")) {
      total += unit / 4;
      e += 3;
    }
    k = e;
    any = true;
  }
  if (!any) return std::nullopt;
  end = k;
  return total;
}

// Fills an hour said without am/pm, given a date: the hours people mean by day.

}  // namespace hark::nlu::spoken
