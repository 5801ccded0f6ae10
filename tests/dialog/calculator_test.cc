#include "dialog/calculator.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace hark::dialog {
namespace {

double value_of(const std::string& words) {
  CalcOutcome out = evaluate_words(words);
  EXPECT_EQ(out.status, CalcStatus::ok) << words;
  return out.value;
}

TEST(CalculatorTest, SymbolsWithPrecedence) {
  EXPECT_DOUBLE_EQ(value_of("5 + 3 * 2"), 11);
  EXPECT_DOUBLE_EQ(value_of("(5 + 3) * 2"), 16);
  EXPECT_DOUBLE_EQ(value_of("10 - 4 - 3"), 3);
  EXPECT_DOUBLE_EQ(value_of("2 ^ 3 ^ 2"), 512);
  EXPECT_DOUBLE_EQ(value_of("7 / 2"), 3.5);
  EXPECT_DOUBLE_EQ(value_of("1,000 + 1"), 1001);
}

TEST(CalculatorTest, OperatorWords) {
  EXPECT_DOUBLE_EQ(value_of("5 plus 3 times 2"), 11);
  EXPECT_DOUBLE_EQ(value_of("12 divided by 4 minus 1"), 2);
  EXPECT_DOUBLE_EQ(value_of("6 multiplied by 7"), 42);
  EXPECT_DOUBLE_EQ(value_of("9 over 3"), 3);
  EXPECT_DOUBLE_EQ(value_of("2 to the power of 10"), 1024);
  EXPECT_DOUBLE_EQ(value_of("9 squared"), 81);
  EXPECT_DOUBLE_EQ(value_of("3 cubed plus 1"), 28);
  EXPECT_DOUBLE_EQ(value_of("the square root of 81"), 9);
  EXPECT_DOUBLE_EQ(value_of("square root of 16 times 2"), 8);
  EXPECT_DOUBLE_EQ(value_of("15 percent of 80"), 12);
  EXPECT_DOUBLE_EQ(value_of("10 plus 20 percent of 50"), 20);
  EXPECT_DOUBLE_EQ(value_of("minus 3 plus 5"), 2);
  EXPECT_DOUBLE_EQ(value_of("open parenthesis 1 plus 2 close parenthesis times 3"), 9);
  EXPECT_DOUBLE_EQ(value_of("what is 4 times 4"), 16);
}

TEST(CalculatorTest, NumberWords) {
  EXPECT_DOUBLE_EQ(value_of("five plus three times two"), 11);
  EXPECT_DOUBLE_EQ(value_of("twenty five divided by five"), 5);
  EXPECT_DOUBLE_EQ(value_of("one hundred minus seven"), 93);
  EXPECT_DOUBLE_EQ(value_of("two point five times four"), 10);
}

TEST(CalculatorTest, FailuresAreNamed) {
  EXPECT_EQ(evaluate_words("10 divided by 0").status, CalcStatus::divide_by_zero);
  EXPECT_EQ(evaluate_words("5 / (3 - 3)").status, CalcStatus::divide_by_zero);
  EXPECT_EQ(evaluate_words("square root of -4").status, CalcStatus::negative_root);
  EXPECT_EQ(evaluate_words("10 ^ 400").status, CalcStatus::out_of_range);
  EXPECT_EQ(evaluate_words("banana").status, CalcStatus::unreadable);
  EXPECT_EQ(evaluate_words("").status, CalcStatus::unreadable);
  EXPECT_EQ(evaluate_words("plus plus").status, CalcStatus::unreadable);
  EXPECT_EQ(evaluate_words("5 plus").status, CalcStatus::unreadable);
  EXPECT_EQ(evaluate_words("( ( ( (").status, CalcStatus::unreadable);
  EXPECT_EQ(evaluate_words("3 )").status, CalcStatus::unreadable);
}

TEST(CalculatorTest, AnswersPolitely) {
  EXPECT_EQ(calculator_answer("5 plus 3 times 2"), "That's 11.");
  EXPECT_EQ(calculator_answer("1 divided by 3"), "That's 0.3333.");
  EXPECT_EQ(calculator_answer("10 divided by zero"), "Sorry, I can't divide by zero.");
  EXPECT_EQ(calculator_answer("purple monkey"), "Sorry, I couldn't work that out.");
}

TEST(CalculatorTest, JunkNeverCrashes) {
  std::string deep(5000, '(');
  EXPECT_EQ(evaluate_words(deep + "1").status, CalcStatus::unreadable);
  std::string minus;
  for (int i = 0; i < 5000; ++i) minus += "minus ";
  EXPECT_NE(evaluate_words(minus + "1").status, CalcStatus::ok);
  std::mt19937 rng(42);
  const std::string pieces[] = {"plus ", "(", ")", "times ", "2 ", "squared ", "percent of ", "%", "^",
                                "root ", "x ", "\xff", "over ", "negative ", "seven ", "and ", ". "};
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s += pieces[rng() % std::size(pieces)];
    CalcOutcome out = evaluate_words(s);
    if (out.status == CalcStatus::ok) {
      EXPECT_TRUE(std::isfinite(out.value)) << s;
    }
    EXPECT_FALSE(calculator_answer(s).empty());
  }
}

}  // namespace
}  // namespace hark::dialog

namespace hark::dialog {
namespace {

double utterance_value(const std::string& utterance, const std::string& expression) {
  CalcOutcome out = evaluate_utterance(utterance, expression);
  EXPECT_EQ(out.status, CalcStatus::ok) << utterance;
  return out.value;
}

// The operator may sit outside the expression slot; the utterance is read first.
TEST(CalculatorTest, WholeUtterances) {
  EXPECT_DOUBLE_EQ(utterance_value("what is the square root of 81", "81"), 9);
  EXPECT_DOUBLE_EQ(utterance_value("add 5 and 3", "5 and 3"), 8);
  EXPECT_DOUBLE_EQ(utterance_value("please add 5 to 3", "5 to 3"), 8);
  EXPECT_DOUBLE_EQ(utterance_value("subtract 3 from 10", "3 from 10"), 7);
  EXPECT_DOUBLE_EQ(utterance_value("multiply 6 by 7", "6 by 7"), 42);
  EXPECT_DOUBLE_EQ(utterance_value("divide 10 by 4", "10 by 4"), 2.5);
  EXPECT_DOUBLE_EQ(utterance_value("what is the sum of 2 and 3", "2 and 3"), 5);
  EXPECT_DOUBLE_EQ(utterance_value("what is the average of 2, 4 and 6", "2, 4 and 6"), 4);
  EXPECT_DOUBLE_EQ(utterance_value("hey hark what is 7 mod 4", "7 mod 4"), 3);
  EXPECT_DOUBLE_EQ(utterance_value("what does 6 times 7 come to", "6 times 7"), 42);
  EXPECT_DOUBLE_EQ(utterance_value("zorblax frobnicate 5 plus 3", "5 plus 3"), 8);
  EXPECT_EQ(evaluate_utterance("divide 5 by 0", "5 by 0").status, CalcStatus::divide_by_zero);
  EXPECT_EQ(evaluate_utterance("calculate banana split", "banana split").status, CalcStatus::unreadable);
  EXPECT_EQ(calculator_answer("what is 2 plus 2", "2 plus 2"), "That's 4.");
}

}  // namespace
}  // namespace hark::dialog
