// Splits what the user typed (or the recognizer heard) into matchable words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hark::nlu {

struct Token {
  std::string norm;    // lower case, punctuation removed, contractions expanded
  std::size_t begin;   // byte span of the word in the original text (for raw slot values)
  std::size_t end;
};

// Lower-cases, drops punctuation (keeps ':' in "7:30", '.' in "2.5", '/' in "12/25", '-' in
// "2026-03-12", drops ',' in "1,000"),
// and expands contractions ("what's" -> "what is", "don't" -> "do not"). The words of one
// expanded contraction share the span of the original word.
std::vector<Token> tokenize(std::string_view text);

// Words that change nothing in a request ("please", "just"): the matcher drops them
// from templates and input alike, wherever they stand.
bool ignorable(std::string_view norm);

// The tokens' norms joined by single spaces.
std::string join_norms(const std::vector<Token>& tokens, std::size_t from, std::size_t to);

}  // namespace hark::nlu
