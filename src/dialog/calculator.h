// The calculator skill: arithmetic said in words ("five plus three times two",
// "the square root of 81", "15 percent of 80", "2 to the power of 10").
#pragma once

#include <string>
#include <string_view>

namespace hark::dialog {

enum class CalcStatus { ok, unreadable, divide_by_zero, negative_root, out_of_range };

struct CalcOutcome {
  CalcStatus status = CalcStatus::unreadable;
  double value = 0;  // valid when status == ok
};

// Evaluates the words with the usual precedence (powers, then times/divide/percent of,
// then plus/minus; parentheses when said). Never throws, whatever the input.
CalcOutcome evaluate_words(std::string_view words);

// The whole utterance, since words of the arithmetic may lie outside the `expression`
// slot ("what is the square root of 81", "add 5 and 3"): the utterance is read first
// (dropping lead-in words it cannot read), the slot's words last.
CalcOutcome evaluate_utterance(std::string_view utterance, std::string_view expression);

// The spoken answer: "That's 11.", or a polite sentence for each failure.
std::string calculator_answer(std::string_view words);
std::string calculator_answer(std::string_view utterance, std::string_view expression);

}  // namespace hark::dialog
