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

class Compiler {
 public:
  Compiler(const skills::Skill& skill, const std::map<std::string, std::string>& shared,
           Vocabulary& vocab)
      : skill_(skill), shared_(shared), vocab_(vocab) {}

  Sequence compile(std::string_view text, int depth) {
    if (depth > 16) fail("rules nest too deep (a rule refers to itself?)");
    std::size_t pos = 0;
    auto alts = alternatives(text, pos, depth, '\0');
    if (alts.size() != 1) fail("'|' outside ( ) or [ ] in \"" + std::string(text) + "\"");
    return std::move(alts[0]);
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw skills::LoadError(skill_.source, 0, "skill '" + skill_.name + "': " + why);
  }

  void add_words(std::string_view chunk, Sequence& seq) {
    for (auto& tok : tokenize(chunk)) {
      if (ignorable(tok.norm)) continue;
      Node n;
      n.kind = Node::Kind::kWord;
      n.word = vocab_.intern(tok.norm);
      seq.push_back(std::move(n));
    }
  }

  // Reads alternatives up to `close` (or the end); pos ends past `close`.
  std::vector<Sequence> alternatives(std::string_view t, std::size_t& pos, int depth, char close) {
    std::vector<Sequence> alts(1);
    std::size_t chunk = pos;
    auto flush = [&](std::size_t upto) { add_words(t.substr(chunk, upto - chunk), alts.back()); };
    while (pos < t.size()) {
      char c = t[pos];
      if (c == '(' || c == '[') {
        flush(pos);
        ++pos;
        Node g;
        g.kind = Node::Kind::kGroup;
        g.optional = c == '[';
        g.alts = alternatives(t, pos, depth, c == '(' ? ')' : ']');
        alts.back().push_back(std::move(g));
        chunk = pos;
      } else if (c == ')' || c == ']') {
        if (c != close) fail(std::string("unbalanced '") + c + "' in \"" + std::string(t) + "\"");
        flush(pos);
        ++pos;
        return alts;
      } else if (c == '|') {
        if (close == '\0') fail("'|' outside ( ) or [ ] in \"" + std::string(t) + "\"");
        flush(pos);
        alts.emplace_back();
        chunk = ++pos;
      } else if (c == '{' || c == '<') {
        flush(pos);
        auto end = t.find(c == '{' ? '}' : '>', pos);
        if (end == std::string_view::npos) fail(std::string("unbalanced '") + c + "'");
        std::string name(t.substr(pos + 1, end - pos - 1));
        if (c == '{') {
          Node s;
          s.kind = Node::Kind::kSlot;
          for (std::size_t i = 0; i < skill_.slots.size(); ++i)
            if (skill_.slots[i].name == name) s.slot = static_cast<int>(i);
          if (s.slot < 0) fail("slot {" + name + "} is not declared");
          alts.back().push_back(std::move(s));
        } else {
          const std::string* body = nullptr;
          if (auto it = skill_.rules.find(name); it != skill_.rules.end()) body = &it->second;
          else if (auto it2 = shared_.find(name); it2 != shared_.end()) body = &it2->second;
          if (!body) fail("unknown rule <" + name + ">");
          Node g;
          g.kind = Node::Kind::kGroup;
          g.alts.push_back(compile(*body, depth + 1));
          alts.back().push_back(std::move(g));
        }
        pos = end + 1;
        chunk = pos;
      } else {
        ++pos;
      }
    }
    if (close != '\0') fail(std::string("unbalanced '") + (close == ')' ? '(' : '[') + "'");
    flush(pos);
    return alts;
  }

  const skills::Skill& skill_;
  const std::map<std::string, std::string>& shared_;
  Vocabulary& vocab_;
};

}  // namespace

Sequence compile_template(std::string_view text, const skills::Skill& skill,
                          const std::map<std::string, std::string>& shared_rules,
                          Vocabulary& vocab) {
  return Compiler(skill, shared_rules, vocab).compile(text, 0);
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
