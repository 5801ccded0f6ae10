#include "skills/grammar.h"

#include "skills/registry.h"
#include "skills/skill.h"
#include "skills/template_scan.h"

namespace hark::skills {
namespace {

class Reader {
 public:
  Reader(const Skill& skill, const std::map<std::string, std::string>& shared)
      : skill_(skill), shared_(shared) {}

  Phrase read(std::string_view text, int depth) {
    if (depth > kMaxRuleDepth)
      throw GrammarError("rules nest deeper than " + std::to_string(kMaxRuleDepth) +
                         " (a rule refers to itself?)");
    auto scan = scan_template(text);
    if (scan.error) throw GrammarError(*scan.error + " in \"" + std::string(text) + "\"");
    std::size_t pos = 0;
    auto alts = alternatives(text, pos, depth, '\0');
    return std::move(alts[0]);  // scan_template refused a top-level '|'
  }

 private:
  // Reads alternatives up to `close` (or the end); pos ends past `close`. The syntax was
  // checked by scan_template, so brackets balance here.
  std::vector<Phrase> alternatives(std::string_view t, std::size_t& pos, int depth, char close) {
    std::vector<Phrase> alts(1);
    std::size_t chunk = pos;
    auto flush = [&](std::size_t upto) {
      if (upto > chunk) {
        GrammarNode n;
        n.text = std::string(t.substr(chunk, upto - chunk));
        alts.back().push_back(std::move(n));
      }
    };
    while (pos < t.size()) {
      const char c = t[pos];
      if (c == '(' || c == '[') {
        flush(pos);
        ++pos;
        GrammarNode g;
        g.kind = GrammarNode::Kind::kChoice;
        g.optional = c == '[';
        g.alts = alternatives(t, pos, depth, c == '(' ? ')' : ']');
        alts.back().push_back(std::move(g));
        chunk = pos;
      } else if (c == ')' || c == ']') {
        flush(pos);
        ++pos;
        return alts;
      } else if (c == '|') {
        flush(pos);
        alts.emplace_back();
        chunk = ++pos;
      } else if (c == '{' || c == '<') {
        flush(pos);
        const auto end = t.find(c == '{' ? '}' : '>', pos);
        std::string name(t.substr(pos + 1, end - pos - 1));
        if (c == '{') {
          GrammarNode s;
          s.kind = GrammarNode::Kind::kSlot;
          for (std::size_t i = 0; i < skill_.slots.size(); ++i)
            if (skill_.slots[i].name == name) s.slot = static_cast<int>(i);
          if (s.slot < 0) throw GrammarError("slot {" + name + "} is not declared");
          s.text = std::move(name);
          alts.back().push_back(std::move(s));
        } else {
          alts.back().push_back(rule(name, depth));
        }
        pos = end + 1;
        chunk = pos;
      } else {
        ++pos;
      }
    }
    flush(pos);
    return alts;
  }

  GrammarNode rule(const std::string& name, int depth) {
    const std::string* body = nullptr;
    if (auto it = skill_.rules.find(name); it != skill_.rules.end()) body = &it->second;
    else if (auto it2 = shared_.find(name); it2 != shared_.end()) body = &it2->second;
    if (!body) throw GrammarError("unknown rule <" + name + ">");
    GrammarNode g;
    g.kind = GrammarNode::Kind::kChoice;
    g.alts.push_back(read(*body, depth + 1));
    return g;
  }

  const Skill& skill_;
  const std::map<std::string, std::string>& shared_;
};

}  // namespace

Phrase parse_sentence(std::string_view text, const Skill& skill,
                      const std::map<std::string, std::string>& shared_rules) {
  return Reader(skill, shared_rules).read(text, 0);
}

std::vector<Phrase> sentence_grammar(const Skill& skill,
                                     const std::map<std::string, std::string>& shared_rules) {
  if (skill.grammar.size() == skill.sentences.size()) return skill.grammar;
  std::vector<Phrase> out;
  try {
    for (const auto& s : skill.sentences) out.push_back(parse_sentence(s, skill, shared_rules));
  } catch (const GrammarError& e) {
    throw LoadError(skill.source, 0, "skill '" + skill.name + "': " + e.what());
  }
  return out;
}

}  // namespace hark::skills
