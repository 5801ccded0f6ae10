// The normalized value of one slot, typed after the skill's slot type (skills/slot_type.h).
// nlu produces it, dialog reads it; its JSON is written in one place (server/wire.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace hark::nlu {

// Free words, a contact's stored name, or a closed list's value ("large", "flat_white").
struct Text {
  std::string text;
  friend bool operator==(const Text&, const Text&) = default;
};
struct Number {
  double value = 0;
  friend bool operator==(const Number&, const Number&) = default;
};
struct Time {
  std::string hhmm;  // "07:30"
  friend bool operator==(const Time&, const Time&) = default;
};
struct Date {
  std::string ymd;  // "2026-11-26"
  friend bool operator==(const Date&, const Date&) = default;
};
struct DateTime {
  std::string iso;  // "2026-11-26T07:30"
  friend bool operator==(const DateTime&, const DateTime&) = default;
};
// A duration in the slot's unit: whole seconds, or whole minutes (rounded) for a skill
// that declares `unit: minutes`.
struct Duration {
  std::int64_t amount = 0;
  bool minutes = false;
  std::int64_t seconds() const { return minutes ? amount * 60 : amount; }
  friend bool operator==(const Duration&, const Duration&) = default;
};

// monostate: no value (a typed span that did not normalize).
using SlotValue = std::variant<std::monostate, Text, Number, Time, Date, DateTime, Duration>;

// The words of a text-like value (Text, Time, Date, DateTime); nullptr for the others.
inline const std::string* text_of(const SlotValue& v) {
  if (auto* t = std::get_if<Text>(&v)) return &t->text;
  if (auto* t = std::get_if<Time>(&v)) return &t->hhmm;
  if (auto* t = std::get_if<Date>(&v)) return &t->ymd;
  if (auto* t = std::get_if<DateTime>(&v)) return &t->iso;
  return nullptr;
}

// A Number's value, or a Duration's amount in its unit; nullopt for the others.
inline std::optional<double> number_of(const SlotValue& v) {
  if (auto* n = std::get_if<Number>(&v)) return n->value;
  if (auto* d = std::get_if<Duration>(&v)) return static_cast<double>(d->amount);
  return std::nullopt;
}

// False for no value and for empty words.
inline bool has_value(const SlotValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return false;
  const std::string* s = text_of(v);
  return !s || !s->empty();
}

}  // namespace hark::nlu
