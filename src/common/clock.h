// The clock comes in through an interface so tests can set "now" (the last minute of a
// month, a leap day) and the code under test never notices.
#pragma once

#include <chrono>
#include <atomic>
#include <cstdint>

namespace hark {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Seconds since the Unix epoch, the form stored in the database.
  std::int64_t unix_now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

// The real wall clock. Thread-safe.
Clock& system_clock();

// A clock that tests move by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point t) : now_(t.time_since_epoch().count()) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(now_.load()));
  }
  void set(std::chrono::system_clock::time_point t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

 private:
  std::atomic<std::chrono::system_clock::rep> now_;
};

}  // namespace hark
