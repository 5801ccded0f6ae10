#include "dialog/units.h"

#include "dialog/speech.h"

#include <array>

namespace hark::dialog {

namespace {

enum class Quantity { length, mass, volume, temperature, speed, time };

struct Unit {
  std::string_view name;
  Quantity quantity;
  double to_base;  // multiply by this to get the base unit (temperature: unused)
  std::string_view singular;
  std::string_view plural;
};

// Base units: meter, kilogram, liter, kelvin, meter per second, second. US customary volumes.
constexpr std::array<Unit, 33> kUnits = {{
    {"meter", Quantity::length, 1.0, "meter", "meters"},
    {"kilometer", Quantity::length, 1000.0, "kilometer", "kilometers"},
    {"centimeter", Quantity::length, 0.01, "centimeter", "centimeters"},
    {"millimeter", Quantity::length, 0.001, "millimeter", "millimeters"},
    {"mile", Quantity::length, 1609.344, "mile", "miles"},
    {"yard", Quantity::length, 0.9144, "yard", "yards"},
    {"foot", Quantity::length, 0.3048, "foot", "feet"},
    {"inch", Quantity::length, 0.0254, "inch", "inches"},
    {"kilogram", Quantity::mass, 1.0, "kilogram", "kilograms"},
    {"gram", Quantity::mass, 0.001, "gram", "grams"},
    {"milligram", Quantity::mass, 1e-6, "milligram", "milligrams"},
    {"pound", Quantity::mass, 0.45359237, "pound", "pounds"},
    {"ounce", Quantity::mass, 0.028349523125, "ounce", "ounces"},
    {"stone", Quantity::mass, 6.35029318, "stone", "stone"},
    {"liter", Quantity::volume, 1.0, "liter", "liters"},
    {"milliliter", Quantity::volume, 0.001, "milliliter", "milliliters"},
    {"gallon", Quantity::volume, 3.785411784, "gallon", "gallons"},
    {"quart", Quantity::volume, 0.946352946, "quart", "quarts"},
    {"pint", Quantity::volume, 0.473176473, "pint", "pints"},
    {"cup", Quantity::volume, 0.2365882365, "cup", "cups"},
    {"tablespoon", Quantity::volume, 0.01478676478125, "tablespoon", "tablespoons"},
    {"teaspoon", Quantity::volume, 0.00492892159375, "teaspoon", "teaspoons"},
    {"fluid_ounce", Quantity::volume, 0.0295735295625, "fluid ounce", "fluid ounces"},
    {"celsius", Quantity::temperature, 0, "degree Celsius", "degrees Celsius"},
    {"fahrenheit", Quantity::temperature, 0, "degree Fahrenheit", "degrees Fahrenheit"},
    {"kelvin", Quantity::temperature, 0, "kelvin", "kelvins"},
    {"mile_per_hour", Quantity::speed, 0.44704, "mile per hour", "miles per hour"},
    {"kilometer_per_hour", Quantity::speed, 1.0 / 3.6, "kilometer per hour", "kilometers per hour"},
    {"second", Quantity::time, 1.0, "second", "seconds"},
    {"minute", Quantity::time, 60.0, "minute", "minutes"},
    {"hour", Quantity::time, 3600.0, "hour", "hours"},
    {"day", Quantity::time, 86400.0, "day", "days"},
    {"week", Quantity::time, 604800.0, "week", "weeks"},
}};

const Unit* find_unit(std::string_view name) {
  for (const auto& u : kUnits)
    if (u.name == name) return &u;
  return nullptr;
}

double to_kelvin(double v, std::string_view unit) {
  if (unit == "celsius") return v + 273.15;
  if (unit == "fahrenheit") return (v - 32.0) * 5.0 / 9.0 + 273.15;
  return v;
}

double from_kelvin(double k, std::string_view unit) {
  if (unit == "celsius") return k - 273.15;
  if (unit == "fahrenheit") return (k - 273.15) * 9.0 / 5.0 + 32.0;
  return k;
}

std::string say_amount(double value, const Unit& unit) {
  return say_count(value, unit.singular, unit.plural);
}

std::string spoken_name(std::string_view name) {
  const Unit* u = find_unit(name);
  if (u) return std::string(u->plural);
  std::string s(name);
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

}  // namespace

Conversion convert_units(double amount, std::string_view from_unit, std::string_view to_unit) {
  const Unit* from = find_unit(from_unit);
  const Unit* to = find_unit(to_unit);
  if (!from || !to) return {ConvertStatus::unknown_unit};
  if (from->quantity != to->quantity) return {ConvertStatus::incompatible};
  if (from->quantity == Quantity::temperature)
    return {ConvertStatus::ok, from_kelvin(to_kelvin(amount, from->name), to->name)};
  return {ConvertStatus::ok, amount * from->to_base / to->to_base};
}

std::string conversion_answer(double amount, std::string_view from_unit, std::string_view to_unit) {
  Conversion c = convert_units(amount, from_unit, to_unit);
  switch (c.status) {
    case ConvertStatus::ok:
      return capitalize(say_amount(amount, *find_unit(from_unit))) + " is " +
             say_amount(c.value, *find_unit(to_unit)) + ".";
    case ConvertStatus::incompatible:
      return "Sorry, I can't convert " + spoken_name(from_unit) + " to " + spoken_name(to_unit) + ".";
    case ConvertStatus::unknown_unit: break;
  }
  return "Sorry, I don't know that unit.";
}

}  // namespace hark::dialog
