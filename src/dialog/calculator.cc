#include "dialog/calculator.h"

#include "dialog/speech.h"
#include "nlu/normalize.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <vector>

namespace hark::dialog {

namespace {

enum class Kind { number, plus, minus, times, divide, power, squared, cubed, sqrt, cbrt, percent,
                  percent_of, modulo, negative, open, close };

struct Token {
  Kind kind;
  double value = 0;
};

struct Phrase {
  std::vector<std::string_view> words;
  Kind kind;
};

// Longest phrases first: "square root of" must win over a bare "of".
const std::vector<Phrase>& phrases() {
  static const std::vector<Phrase> list = {
      {{"raised", "to", "the", "power", "of"}, Kind::power},
      {{"to", "the", "power", "of"}, Kind::power},
      {{"the", "square", "root", "of"}, Kind::sqrt},
      {{"the", "cube", "root", "of"}, Kind::cbrt},
      {{"square", "root", "of"}, Kind::sqrt},
      {{"cube", "root", "of"}, Kind::cbrt},
      {{"open", "parenthesis"}, Kind::open},
      {{"open", "parentheses"}, Kind::open},
      {{"open", "bracket"}, Kind::open},
      {{"open", "paren"}, Kind::open},
      {{"close", "parenthesis"}, Kind::close},
      {{"close", "parentheses"}, Kind::close},
      {{"close", "bracket"}, Kind::close},
      {{"close", "paren"}, Kind::close},
      {{"multiplied", "by"}, Kind::times},
      {{"divided", "by"}, Kind::divide},
      {{"percent", "of"}, Kind::percent_of},
      {{"%", "of"}, Kind::percent_of},
      {{"raised", "to"}, Kind::power},
      {{"take", "away"}, Kind::minus},
      {{"square", "root"}, Kind::sqrt},
      {{"modulo"}, Kind::modulo},
      {{"mod"}, Kind::modulo},
      {{"plus"}, Kind::plus},
      {{"+"}, Kind::plus},
      {{"minus"}, Kind::minus},
      {{"-"}, Kind::minus},
      {{"times"}, Kind::times},
      {{"x"}, Kind::times},
      {{"*"}, Kind::times},
      {{"×"}, Kind::times},
      {{"over"}, Kind::divide},
      {{"/"}, Kind::divide},
      {{"÷"}, Kind::divide},
      {{"^"}, Kind::power},
      {{"squared"}, Kind::squared},
      {{"cubed"}, Kind::cubed},
      {{"percent"}, Kind::percent},
      {{"%"}, Kind::percent},
      {{"negative"}, Kind::negative},
      {{"("}, Kind::open},
      {{")"}, Kind::close},
  };
  return list;
}

// Words around the arithmetic that carry no value ("what is", "equals").
bool is_filler(std::string_view w) {
  static const std::set<std::string_view> kFiller = {
      "what", "whats", "what's", "is", "calculate", "compute", "equals", "equal", "please", "the",
      "how", "much", "=", "?", "can", "could", "would", "you", "tell", "me", "work", "out", "figure",
      "solve", "evaluate", "do", "does", "math", "on", "get", "if", "when", "will", "be", "make",
      "makes", "come", "to", "give", "hey", "ok", "okay", "so", "answer", "result", "i", "help", "with", ","};
  return kFiller.count(w) > 0;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      flush();
    } else if (c == ',' && !cur.empty() && std::isdigit(static_cast<unsigned char>(cur.back())) &&
               i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      // "1,000": a thousands separator, not a pause.
    } else if (std::string_view("+-*/^()%=?").find(static_cast<char>(c)) != std::string_view::npos) {
      flush();
      words.emplace_back(1, static_cast<char>(c));
    } else if (c == ',') {
      flush();
      words.emplace_back(",");  // separates "2, 4 and 6"; dropped as filler elsewhere
    } else if (c == '!' || c == ';') {
      flush();
    } else {
      cur += static_cast<char>(std::tolower(c));
    }
  }
  flush();
  // A trailing '.' ends a sentence; inside a word it is a decimal point.
  for (auto& w : words)
    while (w.size() > 1 && w.back() == '.') w.pop_back();
  return words;
}

std::optional<double> read_number(const std::vector<std::string>& run) {
  if (run.empty()) return std::nullopt;
  if (run.size() == 1) {
    const char* begin = run[0].c_str();
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (end != begin && *end == '\0' && std::isfinite(v)) return v;
  }
  std::string joined;
  for (const auto& w : run) joined += (joined.empty() ? "" : " ") + w;
  return nlu::normalize_number(joined);
}

std::optional<std::vector<Token>> tokenize(const std::vector<std::string>& words) {
  std::vector<Token> tokens;
  std::vector<std::string> run;
  auto flush_run = [&]() -> bool {
    if (run.empty()) return true;
    auto v = read_number(run);
    run.clear();
    if (!v) return false;
    tokens.push_back({Kind::number, *v});
    return true;
  };
  std::size_t i = 0;
  while (i < words.size()) {
    const Phrase* hit = nullptr;
    for (const auto& p : phrases()) {
      if (i + p.words.size() > words.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < p.words.size() && same; ++k) same = words[i + k] == p.words[k];
      if (same) {
        hit = &p;
        break;
      }
    }
    if (hit) {
      if (!flush_run()) return std::nullopt;
      tokens.push_back({hit->kind});
      i += hit->words.size();
    } else {
      if (!is_filler(words[i])) run.push_back(words[i]);
      ++i;
    }
  }
  if (!flush_run()) return std::nullopt;
  return tokens;
}

// Recursive descent: expr = term {(+|-) term}; term = unary {(*|/|percent of) unary};
// unary = (-|negative|sqrt|cbrt) unary | power; power = postfix [^ unary];
// postfix = primary {squared|cubed|percent}; primary = number | ( expr ).
class Evaluator {
 public:
  explicit Evaluator(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  CalcOutcome run() {
    if (tokens_.empty()) return {CalcStatus::unreadable};
    double v = expr();
    if (status_ == CalcStatus::ok && pos_ != tokens_.size()) status_ = CalcStatus::unreadable;
    if (status_ == CalcStatus::ok && !std::isfinite(v)) status_ = CalcStatus::out_of_range;
    return {status_, status_ == CalcStatus::ok ? v : 0};
  }

 private:
  static constexpr int kMaxDepth = 64;

  bool at(Kind k) const { return pos_ < tokens_.size() && tokens_[pos_].kind == k; }
  bool failed() const { return status_ != CalcStatus::ok; }
  double fail(CalcStatus s) {
    if (status_ == CalcStatus::ok) status_ = s;
    return 0;
  }

  double expr() {
    double v = term();
    while (!failed() && (at(Kind::plus) || at(Kind::minus))) {
      bool plus = tokens_[pos_++].kind == Kind::plus;
      double r = term();
      v = plus ? v + r : v - r;
    }
    return v;
  }

  double term() {
    double v = unary();
    while (!failed() && (at(Kind::times) || at(Kind::divide) || at(Kind::percent_of) || at(Kind::modulo))) {
      Kind k = tokens_[pos_++].kind;
      double r = unary();
      if (failed()) return 0;
      if (k == Kind::times) v *= r;
      else if (k == Kind::percent_of) v = v / 100.0 * r;
      else if (r == 0) return fail(CalcStatus::divide_by_zero);
      else if (k == Kind::modulo) v = std::fmod(v, r);
      else v /= r;
    }
    return v;
  }

  double unary() {
    if (++depth_ > kMaxDepth) return fail(CalcStatus::unreadable);
    double v = 0;
    if (at(Kind::minus) || at(Kind::negative)) {
      ++pos_;
      v = -unary();
    } else if (at(Kind::sqrt)) {
      ++pos_;
      double r = unary();
      v = r < 0 ? fail(CalcStatus::negative_root) : std::sqrt(r);
    } else if (at(Kind::cbrt)) {
      ++pos_;
      v = std::cbrt(unary());
    } else {
      v = power();
    }
    --depth_;
    return v;
  }

  double power() {
    double v = postfix();
    if (!failed() && at(Kind::power)) {
      ++pos_;
      double r = unary();  // right-associative: 2^3^2 = 2^9
      if (failed()) return 0;
      if (v == 0 && r < 0) return fail(CalcStatus::divide_by_zero);
      v = std::pow(v, r);
      if (std::isnan(v)) return fail(CalcStatus::negative_root);
    }
    return v;
  }

  double postfix() {
    double v = primary();
    while (!failed() && (at(Kind::squared) || at(Kind::cubed) || at(Kind::percent))) {
      Kind k = tokens_[pos_++].kind;
      v = k == Kind::squared ? v * v : k == Kind::cubed ? v * v * v : v / 100.0;
    }
    return v;
  }

  double primary() {
    if (failed()) return 0;
    if (at(Kind::number)) return tokens_[pos_++].value;
    if (at(Kind::open)) {
      ++pos_;
      double v = expr();
      if (at(Kind::close)) ++pos_;  // a forgotten "close parenthesis" at the end is forgiven
      else if (pos_ != tokens_.size()) return fail(CalcStatus::unreadable);
      return v;
    }
    return fail(CalcStatus::unreadable);
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  CalcStatus status_ = CalcStatus::ok;
};

bool has_operator(const std::vector<Token>& tokens) {
  for (const auto& t : tokens)
    if (t.kind != Kind::number && t.kind != Kind::open && t.kind != Kind::close) return true;
  return false;
}

CalcOutcome evaluate_tokens(std::optional<std::vector<Token>> tokens) {
  if (!tokens) return {CalcStatus::unreadable};
  // Parentheses nest through primary() -> expr(); bound them too.
  int depth = 0;
  for (const auto& t : *tokens) {
    if (t.kind == Kind::open && ++depth > 32) return {CalcStatus::unreadable};
    if (t.kind == Kind::close) --depth;
  }
  return Evaluator(std::move(*tokens)).run();
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to && i < words.size(); ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

std::size_t find_word(const std::vector<std::string>& words, std::size_t from,
                      std::initializer_list<std::string_view> any, bool last = false) {
  std::size_t found = std::string::npos;
  for (std::size_t i = from; i < words.size(); ++i) {
    for (auto w : any)
      if (words[i] == w) found = i;
    if (found != std::string::npos && !last) return found;
  }
  return found;
}

// Spoken forms whose operator sits outside the numbers: "add 5 and 3", "subtract 3 from 10",
// "multiply 6 by 7", "divide 10 by 2", "the sum of 2 and 3", "the average of 2, 4 and 6".
// Answers them as symbols ("(5) + (3)"); other words come back unchanged.
std::vector<std::string> rewrite_spoken_forms(const std::vector<std::string>& w) {
  auto group = [&](std::size_t from, std::size_t to) { return "( " + join(w, from, to) + " )"; };
  for (std::size_t v = 0; v < w.size(); ++v) {
    const std::string& verb = w[v];
    bool of = v + 1 < w.size() && (w[v + 1] == "of" || w[v + 1] == "between");
    std::string out;
    if ((verb == "add" || verb == "sum") && !of) {
      std::size_t sep = find_word(w, v + 2, {"to", "plus"});
      if (sep == std::string::npos) sep = find_word(w, v + 2, {"and"}, true);
      if (sep != std::string::npos) out = group(v + 1, sep) + " + " + group(sep + 1, w.size());
    } else if (verb == "subtract" || (verb == "take" && !of)) {
      std::size_t start = v + 1 < w.size() && w[v + 1] == "away" ? v + 2 : v + 1;
      std::size_t sep = find_word(w, start + 1, {"from"});
      if (sep != std::string::npos) out = group(sep + 1, w.size()) + " - " + group(start, sep);
    } else if (verb == "multiply") {
      std::size_t sep = find_word(w, v + 2, {"by", "times"});
      if (sep == std::string::npos) sep = find_word(w, v + 2, {"and"}, true);
      if (sep != std::string::npos) out = group(v + 1, sep) + " * " + group(sep + 1, w.size());
    } else if (verb == "divide") {
      std::size_t by = find_word(w, v + 2, {"by"});
      std::size_t into = find_word(w, v + 2, {"into"});
      if (by != std::string::npos) out = group(v + 1, by) + " / " + group(by + 1, w.size());
      else if (into != std::string::npos) out = group(into + 1, w.size()) + " / " + group(v + 1, into);
    } else if (of && (verb == "sum" || verb == "total" || verb == "product" || verb == "difference" ||
                      verb == "quotient" || verb == "average")) {
      std::vector<std::string> parts;
      std::size_t begin = v + 2;
      for (std::size_t i = begin; i <= w.size(); ++i) {
        if (i == w.size() || w[i] == "and" || w[i] == ",") {
          if (i > begin) parts.push_back(group(begin, i));
          begin = i + 1;
        }
      }
      if (parts.size() >= 2) {
        std::string op = verb == "product" ? " * " : verb == "difference" ? " - " : verb == "quotient" ? " / " : " + ";
        for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? op : "") + parts[i];
        if (verb == "average") out = "( " + out + " ) / " + std::to_string(parts.size());
      }
    }
    if (!out.empty()) return split_words(out);
  }
  return w;
}

CalcOutcome evaluate_word_list(const std::vector<std::string>& words) {
  return evaluate_tokens(tokenize(rewrite_spoken_forms(words)));
}

bool definite(const CalcOutcome& out) { return out.status != CalcStatus::unreadable; }

}  // namespace

CalcOutcome evaluate_words(std::string_view words) { return evaluate_word_list(split_words(words)); }

CalcOutcome evaluate_utterance(std::string_view utterance, std::string_view expression) {
  auto words = split_words(utterance);
  CalcOutcome whole = evaluate_word_list(words);
  if (definite(whole)) return whole;
  // Words before the arithmetic that are not known lead-ins ("hey hark, what's ..."):
  // the longest tail that still holds an operator.
  for (std::size_t from = 1; from + 1 < words.size(); ++from) {
    std::vector<std::string> tail(words.begin() + static_cast<std::ptrdiff_t>(from), words.end());
    auto tokens = tokenize(rewrite_spoken_forms(tail));
    if (!tokens || !has_operator(*tokens)) continue;
    CalcOutcome out = evaluate_tokens(std::move(tokens));
    if (definite(out)) return out;
  }
  return evaluate_words(expression);
}

namespace {

std::string say_outcome(const CalcOutcome& out) {
  switch (out.status) {
    case CalcStatus::ok: return "That's " + say_number(out.value, 4) + ".";
    case CalcStatus::divide_by_zero: return "Sorry, I can't divide by zero.";
    case CalcStatus::negative_root: return "Sorry, I can't take the root of a negative number.";
    case CalcStatus::out_of_range: return "Sorry, that number is too big for me.";
    case CalcStatus::unreadable: break;
  }
  return "Sorry, I couldn't work that out.";
}

}  // namespace

std::string calculator_answer(std::string_view words) { return say_outcome(evaluate_words(words)); }

std::string calculator_answer(std::string_view utterance, std::string_view expression) {
  return say_outcome(evaluate_utterance(utterance, expression));
}

}  // namespace hark::dialog
