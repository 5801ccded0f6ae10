// Sentence trees (read once by the skill loader, skills/grammar.h) -> word sequences, for
// the language model.
#include "asr/language_model.h"

#include "skills/grammar.h"

#include <cctype>
#include <cmath>
#include <random>
#include <string_view>

namespace hark::asr {
namespace {

// Extra samples per doubling of a template's expansions beyond the budget (see expand_skill).
constexpr double kVarietyGain = 1.0;

// Stand-ins for the values of typed slots: enough variety for the n-gram to learn the words
// around a slot and the usual shapes of its values.
const std::map<skills::SlotType, std::vector<std::string>>& typed_fillers() {
  using T = skills::SlotType;
  static const std::map<skills::SlotType, std::vector<std::string>> fillers = {
      {T::kNumber, {"one", "two", "three", "five", "six", "ten", "twelve", "twenty", "twenty five",
                  "fifty", "a hundred", "seventy", "four"}},
      {T::kTime, {"seven", "seven thirty", "eight a m", "six p m", "noon", "midnight", "nine fifteen",
                "ten o'clock", "half past six", "six forty five", "quarter to eight"}},
      {T::kDate, {"today", "tomorrow", "monday", "friday", "next tuesday", "saturday",
                "march twelfth", "the first of june", "sunday", "this weekend"}},
      {T::kDateTime, {"tomorrow at nine", "in two hours", "at five p m", "tonight at eight",
                    "monday morning", "in ten minutes", "friday at noon", "tomorrow morning"}},
      {T::kDuration, {"ten minutes", "five minutes", "an hour", "thirty seconds", "two hours",
                    "an hour and a half", "twenty minutes", "one minute", "fifteen minutes",
                    "ninety seconds", "three minutes"}},
      {T::kContact, {"mom", "dad", "john", "sarah", "alex", "david", "emma", "michael", "anna",
                   "my wife", "grandma"}},
      {T::kText, {"the meeting", "milk", "pick up the kids", "hello", "dinner", "the dentist",
                "i'm running late", "bread and eggs", "the news", "see you soon", "the game",
                "pizza", "call the bank"}},
  };
  return fillers;
}

struct Node {
  enum Kind { word, slot, seq, alt } kind = seq;
  bool optional = false;
  std::string text;
  std::vector<Node> kids;
};

// The loader's sentence tree in the shape the expander walks: a choice becomes an `alt` of
// `seq`s, words are split by words_of.
Node seq_of(const skills::Phrase& phrase) {
  Node seq;
  seq.kind = Node::seq;
  for (const auto& g : phrase) {
    switch (g.kind) {
      case skills::GrammarNode::Kind::kText:
        for (auto& w : words_of(g.text)) seq.kids.push_back(Node{Node::word, false, w, {}});
        break;
      case skills::GrammarNode::Kind::kSlot:
        seq.kids.push_back(Node{Node::slot, false, g.text, {}});
        break;
      case skills::GrammarNode::Kind::kChoice: {
        Node alt{Node::alt, g.optional, {}, {}};
        for (const auto& a : g.alts) alt.kids.push_back(seq_of(a));
        seq.kids.push_back(std::move(alt));
        break;
      }
    }
  }
  return seq;
}

using Phrases = std::vector<std::vector<std::string>>;

class Expander {
 public:
  explicit Expander(const skills::Skill& skill) : skill_(skill) {}

  double count(const Node& n) {
    switch (n.kind) {
      case Node::word: return 1;
      case Node::slot: return static_cast<double>(fillers(n.text).size());
      case Node::seq: {
        double c = 1;
        for (auto& k : n.kids) c *= count(k);
        return c;
      }
      case Node::alt: {
        double c = n.optional ? 1 : 0;
        for (auto& k : n.kids) c += count(k);
        return c;
      }
    }
    return 1;
  }

  Phrases all(const Node& n) {
    switch (n.kind) {
      case Node::word: return {{n.text}};
      case Node::slot: return fillers(n.text);
      case Node::seq: {
        Phrases out = {{}};
        for (auto& k : n.kids) {
          Phrases next;
          for (auto& tail : all(k))
            for (auto& head : out) {
              auto p = head;
              p.insert(p.end(), tail.begin(), tail.end());
              next.push_back(std::move(p));
            }
          out = std::move(next);
        }
        return out;
      }
      case Node::alt: {
        Phrases out;
        if (n.optional) out.push_back({});
        for (auto& k : n.kids)
          for (auto& p : all(k)) out.push_back(std::move(p));
        return out;
      }
    }
    return {};
  }

  // Each alternative (and "nothing" for an optional group) equally likely.
  void sample(const Node& n, std::mt19937& rng, std::vector<std::string>& out) {
    switch (n.kind) {
      case Node::word: out.push_back(n.text); return;
      case Node::slot: {
        const Phrases& f = fillers(n.text);
        if (f.empty()) return;
        const auto& p = f[rng() % f.size()];
        out.insert(out.end(), p.begin(), p.end());
        return;
      }
      case Node::seq:
        for (auto& k : n.kids) sample(k, rng, out);
        return;
      case Node::alt: {
        const std::size_t choices = n.kids.size() + (n.optional ? 1 : 0);
        const std::size_t pick = rng() % choices;
        if (pick < n.kids.size()) sample(n.kids[pick], rng, out);
        return;
      }
    }
  }

 private:
  const Phrases& fillers(const std::string& slot) {
    auto it = cache_.find(slot);
    if (it != cache_.end()) return it->second;
    Phrases p;
    if (const skills::SlotDef* def = skill_.find_slot(slot)) {
      if (def->values.empty()) {
        auto f = typed_fillers().find(def->type == skills::SlotType::kClosed ? skills::SlotType::kText : def->type);
        if (f != typed_fillers().end())
          for (auto& s : f->second) p.push_back(words_of(s));
        // A contact position may also be the class of the user's own names.
        if (def->type == skills::SlotType::kContact)
          p.push_back({kContactClass});
      } else {
        for (auto& v : def->values) {
          for (auto& s : v.in) p.push_back(words_of(s));
          if (v.in.empty()) p.push_back(words_of(v.out));
        }
      }
    }
    return cache_[slot] = std::move(p);
  }

  const skills::Skill& skill_;
  std::map<std::string, Phrases> cache_;
};

}  // namespace

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'' || u >= 0x80) {
      w.push_back(static_cast<char>(std::tolower(u)));
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

std::vector<std::vector<std::string>> expand_skill(const skills::Skill& skill,
                                                   const std::map<std::string, std::string>& shared_rules,
                                                   int samples_per_sentence) {
  std::vector<std::vector<std::string>> out;
  Expander expander(skill);
  const auto budget = static_cast<std::size_t>(std::max(1, samples_per_sentence));
  const auto grammar = skills::sentence_grammar(skill, shared_rules);
  for (std::size_t i = 0; i < grammar.size(); ++i) {
    Node root{Node::alt, false, {}, {seq_of(grammar[i])}};
    const double n = expander.count(root);
    // A user skill's template with many expansions (a coffee order: size x roast x shots x
    // drink x milk x sugar) needs more samples for the n-gram to see its word pairs, and
    // should not be drowned by the many built-in templates: its budget grows with the log
    // of its variety. Built-in skills keep the flat budget their balance was tuned with
    // (growing theirs too pulled "call mom" away in the built-in recognizer tests).
    const bool grows = !skill.builtin;
    const double variety =
        grows && n > static_cast<double>(budget) ? std::log2(n / static_cast<double>(budget)) : 0;
    const auto samples = static_cast<std::size_t>(static_cast<double>(budget) * (1.0 + kVarietyGain * variety));
    if (n <= static_cast<double>(budget)) {
      auto phrases = expander.all(root);
      const std::size_t repeat = (budget + phrases.size() - 1) / std::max<std::size_t>(1, phrases.size());
      for (auto& p : phrases)
        if (!p.empty())
          for (std::size_t r = 0; r < repeat; ++r) out.push_back(p);
    } else {
      std::mt19937 rng(static_cast<std::uint32_t>(content_hash(skill.name) + i));
      for (std::size_t s = 0; s < samples; ++s) {
        std::vector<std::string> p;
        expander.sample(root, rng, p);
        if (!p.empty()) out.push_back(std::move(p));
      }
    }
  }
  return out;
}

}  // namespace hark::asr
