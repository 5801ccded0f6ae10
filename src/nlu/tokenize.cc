#include "nlu/tokenize.h"

#include <unordered_map>
#include <cctype>
#include <string_view>
#include <utility>

namespace hark::nlu {
namespace {

// Whole-word expansions, with and without the apostrophe where the bare form is not
// itself a common word ("its", "ill", "id", "were" stay as they are).
const std::unordered_map<std::string_view, std::string_view> kContractions{
    {"what's", "what is"},     {"whats", "what is"},       {"where's", "where is"},
    {"wheres", "where is"},    {"how's", "how is"},        {"hows", "how is"},
    {"who's", "who is"},       {"whos", "who is"},         {"when's", "when is"},
    {"that's", "that is"},     {"thats", "that is"},       {"there's", "there is"},
    {"theres", "there is"},    {"it's", "it is"},          {"he's", "he is"},
    {"she's", "she is"},       {"let's", "let us"},        {"i'm", "i am"},
    {"im", "i am"},            {"i've", "i have"},         {"ive", "i have"},
    {"i'd", "i would"},        {"i'll", "i will"},         {"you're", "you are"},
    {"youre", "you are"},      {"you've", "you have"},     {"you'll", "you will"},
    {"you'd", "you would"},    {"we're", "we are"},        {"we'll", "we will"},
    {"we've", "we have"},      {"they're", "they are"},    {"don't", "do not"},
    {"dont", "do not"},        {"doesn't", "does not"},    {"doesnt", "does not"},
    {"didn't", "did not"},     {"didnt", "did not"},       {"can't", "can not"},
    {"cant", "can not"},       {"cannot", "can not"},      {"won't", "will not"},
    {"wont", "will not"},      {"isn't", "is not"},        {"isnt", "is not"},
    {"aren't", "are not"},     {"arent", "are not"},       {"wasn't", "was not"},
    {"wasnt", "was not"},      {"shouldn't", "should not"}, {"wouldn't", "would not"},
    {"wouldnt", "would not"},  {"couldn't", "could not"},  {"couldnt", "could not"},
    {"haven't", "have not"},   {"havent", "have not"},     {"what're", "what are"},
    {"gonna", "going to"},     {"wanna", "want to"},       {"gotta", "got to"},
    {"how'd", "how would"},    {"y'all", "you all"},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  std::string word;
  while (i < n) {
    while (i < n && !is_word_char(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= n) break;
    std::size_t begin = i, last = i;
    word.clear();
    for (; i < n; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (is_word_char(c)) {
        word.push_back(static_cast<char>(std::tolower(c)));
        last = i + 1;
        continue;
      }
      bool next_word = i + 1 < n && is_word_char(static_cast<unsigned char>(text[i + 1]));
      bool prev_digit = !word.empty() && is_digit(word.back());
      bool next_digit = i + 1 < n && is_digit(text[i + 1]);
      if ((c == ':' || c == '.' || c == '/' || c == '-') && prev_digit && next_digit) {
        word.push_back(static_cast<char>(c));
      } else if (c == ',' && prev_digit && next_digit && i + 3 < n && is_digit(text[i + 3]) &&
                 is_digit(text[i + 2]) && (i + 4 >= n || !is_digit(text[i + 4]))) {
        // "1,000": a thousands separator, not a list "1,2".
      } else if ((c == '\'' || c == '-') && !word.empty() && next_word) {
        if (c == '\'') word.push_back('\'');
        else break;  // "twenty-five" -> two words
      } else if (c == '.' && word.size() == 1 && next_word && i + 2 < n && text[i + 2] == '.') {
        // "a.m." / "p.m."
      } else {
        break;
      }
    }
    std::size_t end = last;
    std::string_view w = word;
    if (auto it = kContractions.find(w); it != kContractions.end()) {
      std::string_view to = it->second;
      std::size_t s = 0;
      while (s <= to.size()) {
        auto sp = to.find(' ', s);
        if (sp == std::string_view::npos) sp = to.size();
        out.push_back(Token{std::string(to.substr(s, sp - s)), begin, end});
        s = sp + 1;
      }
      continue;
    }
    // "7pm", "10:30am" -> "7 pm", "10:30 am".
    if (word.size() > 2 && is_digit(word[word.size() - 3]) &&
        (word.ends_with("am") || word.ends_with("pm"))) {
      out.push_back(Token{word.substr(0, word.size() - 2), begin, end});
      out.push_back(Token{word.substr(word.size() - 2), begin, end});
      continue;
    }
    // Other contractions by their ending: "how've", "they'd", "who'll", "we're".
    {
      static const std::pair<std::string_view, std::string_view> kSuffixes[] = {
          {"'ve", "have"}, {"'re", "are"}, {"'ll", "will"}, {"'d", "would"}};
      bool done = false;
      for (auto& [suffix, full] : kSuffixes) {
        if (word.size() > suffix.size() + 1 && word.ends_with(suffix)) {
          out.push_back(Token{word.substr(0, word.size() - suffix.size()), begin, end});
          out.push_back(Token{std::string(full), begin, end});
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    if (auto ap = word.find("n't"); ap != std::string::npos && ap + 3 == word.size()) {
      out.push_back(Token{word.substr(0, ap), begin, end});
      out.push_back(Token{"not", begin, end});
      continue;
    }
    if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0) {
      out.push_back(Token{word.substr(0, word.size() - 2) + "s", begin, end});
      continue;
    }
    std::string clean;
    for (char c : word)
      if (c != '\'') clean.push_back(c);
    if (!clean.empty()) out.push_back(Token{std::move(clean), begin, end});
  }
  return out;
}

bool ignorable(std::string_view w) {
  // Hesitations a recognizer writes down ("uh", "um") carry nothing anywhere they stand.
  return w == "please" || w == "just" || w == "kindly" || w == "actually" || w == "quickly" ||
         w == "basically" || w == "siri" || w == "alexa" || w == "hark" || w == "pls" || w == "plz" ||
         w == "uh" || w == "um" || w == "umm" || w == "uhm" || w == "uhh" || w == "erm" ||
         w == "hmm" || w == "mm";
}

std::string join_norms(const std::vector<Token>& tokens, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out.push_back(' ');
    out += tokens[i].norm;
  }
  return out;
}

}  // namespace hark::nlu
