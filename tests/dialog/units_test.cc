#include "dialog/units.h"

#include <gtest/gtest.h>

namespace hark::dialog {
namespace {

double converted(double amount, const char* from, const char* to) {
  Conversion c = convert_units(amount, from, to);
  EXPECT_EQ(c.status, ConvertStatus::ok) << from << " -> " << to;
  return c.value;
}

TEST(UnitsTest, EachQuantity) {
  EXPECT_NEAR(converted(1, "mile", "kilometer"), 1.609344, 1e-9);
  EXPECT_NEAR(converted(1, "foot", "inch"), 12, 1e-9);
  EXPECT_NEAR(converted(3, "yard", "centimeter"), 274.32, 1e-9);
  EXPECT_NEAR(converted(16, "ounce", "pound"), 1, 1e-9);
  EXPECT_NEAR(converted(1, "stone", "pound"), 14, 1e-9);
  EXPECT_NEAR(converted(2500, "milligram", "gram"), 2.5, 1e-9);
  EXPECT_NEAR(converted(1, "gallon", "quart"), 4, 1e-9);
  EXPECT_NEAR(converted(1, "cup", "fluid_ounce"), 8, 1e-9);
  EXPECT_NEAR(converted(1, "tablespoon", "teaspoon"), 3, 1e-9);
  EXPECT_NEAR(converted(1, "liter", "milliliter"), 1000, 1e-9);
  EXPECT_NEAR(converted(60, "mile_per_hour", "kilometer_per_hour"), 96.56064, 1e-9);
  EXPECT_NEAR(converted(2, "week", "day"), 14, 1e-9);
  EXPECT_NEAR(converted(90, "minute", "hour"), 1.5, 1e-9);
}

TEST(UnitsTest, TemperaturesAreNotJustFactors) {
  EXPECT_NEAR(converted(100, "celsius", "fahrenheit"), 212, 1e-9);
  EXPECT_NEAR(converted(32, "fahrenheit", "celsius"), 0, 1e-9);
  EXPECT_NEAR(converted(-40, "fahrenheit", "celsius"), -40, 1e-9);
  EXPECT_NEAR(converted(0, "celsius", "kelvin"), 273.15, 1e-9);
  EXPECT_NEAR(converted(0, "kelvin", "fahrenheit"), -459.67, 1e-9);
}

TEST(UnitsTest, RefusesWhatCannotBeDone) {
  EXPECT_EQ(convert_units(1, "mile", "kilogram").status, ConvertStatus::incompatible);
  EXPECT_EQ(convert_units(1, "celsius", "meter").status, ConvertStatus::incompatible);
  EXPECT_EQ(convert_units(1, "furlong", "meter").status, ConvertStatus::unknown_unit);
  EXPECT_EQ(convert_units(1, "", "").status, ConvertStatus::unknown_unit);
}

TEST(UnitsTest, SpokenAnswers) {
  EXPECT_EQ(conversion_answer(5, "mile", "kilometer"), "5 miles is 8.05 kilometers.");
  EXPECT_EQ(conversion_answer(1, "foot", "inch"), "1 foot is 12 inches.");
  EXPECT_EQ(conversion_answer(100, "celsius", "fahrenheit"), "100 degrees Celsius is 212 degrees Fahrenheit.");
  EXPECT_EQ(conversion_answer(1, "mile", "kilogram"), "Sorry, I can't convert miles to kilograms.");
  EXPECT_EQ(conversion_answer(1, "furlong", "mile"), "Sorry, I don't know that unit.");
}

}  // namespace
}  // namespace hark::dialog
