// The time/date/number/duration normalizers on any words. Byte 0 picks the normalizer
// and the time zone; the rest is the words.
#include "nlu/normalize.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hark::nlu;
  if (size < 1) return 0;
  static const std::string kZones[] = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};
  const std::string& tz = kZones[(data[0] >> 3) & 3];
  std::string_view words(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace std::chrono;
  const auto now = sys_days{year{2026} / November / 25} + hours{14} + minutes{5};
  switch (data[0] & 7) {
    case 0: (void)normalize_number(words); break;
    case 1: {
      auto t = normalize_time(words);
      if (t && t->size() != 5) std::abort();  // "HH:MM"
      break;
    }
    case 2: {
      auto d = normalize_date(words, now, tz);
      if (d && d->size() != 10) std::abort();  // "YYYY-MM-DD"
      break;
    }
    case 3: {
      auto dt = normalize_datetime(words, now, tz);
      if (dt && dt->size() != 16) std::abort();  // "YYYY-MM-DDTHH:MM"
      break;
    }
    case 4: {
      auto s = normalize_duration(words);
      if (s && *s < 0) std::abort();
      break;
    }
    default: (void)valid_timezone(std::string(words)); break;
  }
  return 0;
}
