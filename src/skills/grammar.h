// The one reader of the sentence-template language (syntax: docs/SKILLS.md): a template
// becomes a tree with its <rule>s resolved and the nesting limit checked. The loader stores
// the tree of every sentence on the Skill; nlu compiles it to its matcher, asr expands it
// into the language model. Words stay raw text: each consumer splits them its own way.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hark::skills {

struct Skill;

// How deep <rule>s may refer to rules (a sentence is depth 0; each <rule> adds one).
inline constexpr int kMaxRuleDepth = 16;

struct GrammarNode;
using Phrase = std::vector<GrammarNode>;

struct GrammarNode {
  enum class Kind { kText, kChoice, kSlot } kind = Kind::kText;
  std::string text;           // kText: raw words between syntax; kSlot: the slot name
  int slot = -1;              // kSlot: index into Skill::slots
  std::vector<Phrase> alts;   // kChoice: ( | ), [ | ] or a resolved <rule> (one alternative)
  bool optional = false;      // kChoice from [ ]
};

// A template that cannot be read; the loader adds FILE:LINE, nlu the skill's source.
class GrammarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads `text` of `skill`; <rule> resolves in skill.rules, then `shared_rules`.
// Throws GrammarError: bad syntax, an undeclared {slot}, an unknown or self-referring
// <rule>, rules nested deeper than kMaxRuleDepth.
Phrase parse_sentence(std::string_view text, const Skill& skill,
                      const std::map<std::string, std::string>& shared_rules);

// The trees of all skill.sentences: the stored ones when the loader filled them, else
// read now (skills built by hand). Throws LoadError(skill.source, 0, "skill 'NAME': why").
std::vector<Phrase> sentence_grammar(const Skill& skill,
                                     const std::map<std::string, std::string>& shared_rules);

}  // namespace hark::skills
