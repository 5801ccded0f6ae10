// The unit_conversion skill over the canonical unit names of the built-in skill
// (meter, mile, kilogram, fluid_ounce, celsius, mile_per_hour, week, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hark::dialog {

enum class ConvertStatus { ok, unknown_unit, incompatible };

struct Conversion {
  ConvertStatus status = ConvertStatus::unknown_unit;
  double value = 0;  // valid when status == ok
};

Conversion convert_units(double amount, std::string_view from_unit, std::string_view to_unit);

// "5 miles is 8.05 kilometers.", or a polite sentence when it cannot be done.
std::string conversion_answer(double amount, std::string_view from_unit, std::string_view to_unit);

}  // namespace hark::dialog
