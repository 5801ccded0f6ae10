#include "nlu/template.h"

#include "nlu/tokenize.h"
#include "skills/registry.h"

#include <algorithm>

namespace hark::nlu {

int Vocabulary::intern(const std::string& word) {
  auto [it, inserted] = ids_.try_emplace(word, static_cast<int>(ids_.size()));
  if (inserted) words_.push_back(word);
  return it->second;
}

int Vocabulary::find(std::string_view word) const {
  auto it = ids_.find(std::string(word));
  return it == ids_.end() ? -1 : it->second;
}

namespace {

void add_words(std::string_view chunk, Vocabulary& vocab, Sequence& seq) {
  for (auto& tok : tokenize(chunk)) {
    if (ignorable(tok.norm)) continue;
    Node n;
    n.kind = Node::Kind::kWord;
    n.word = vocab.intern(tok.norm);
    seq.push_back(std::move(n));
  }
}

}  // namespace

Sequence compile_phrase(const skills::Phrase& phrase, Vocabulary& vocab) {
  Sequence seq;
  for (const auto& g : phrase) {
    switch (g.kind) {
      case skills::GrammarNode::Kind::kText:
        add_words(g.text, vocab, seq);
        break;
      case skills::GrammarNode::Kind::kSlot: {
        Node s;
        s.kind = Node::Kind::kSlot;
        s.slot = g.slot;
        seq.push_back(std::move(s));
        break;
      }
      case skills::GrammarNode::Kind::kChoice: {
        Node n;
        n.kind = Node::Kind::kGroup;
        n.optional = g.optional;
        for (const auto& alt : g.alts) n.alts.push_back(compile_phrase(alt, vocab));
        seq.push_back(std::move(n));
        break;
      }
    }
  }
  return seq;
}

Sequence compile_template(std::string_view text, const skills::Skill& skill,
                          const std::map<std::string, std::string>& shared_rules,
                          Vocabulary& vocab) {
  try {
    return compile_phrase(skills::parse_sentence(text, skill, shared_rules), vocab);
  } catch (const skills::GrammarError& e) {
    throw skills::LoadError(skill.source, 0, "skill '" + skill.name + "': " + e.what());
  }
}

std::vector<int> required_words(const Sequence& seq) {
  std::vector<int> out;
  for (const auto& n : seq) {
    if (n.kind == Node::Kind::kWord) out.push_back(n.word);
    // A mandatory group with one alternative (a rule) is as required as plain words.
    if (n.kind == Node::Kind::kGroup && !n.optional && n.alts.size() == 1)
      for (int w : required_words(n.alts[0])) out.push_back(w);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int min_tokens(const Sequence& seq) {
  int total = 0;
  for (const auto& n : seq) {
    if (n.kind != Node::Kind::kGroup) {
      ++total;
    } else if (!n.optional) {
      int best = 1 << 20;
      for (const auto& a : n.alts) best = std::min(best, min_tokens(a));
      total += best;
    }
  }
  return total;
}

}  // namespace hark::nlu
