// Sentence trees (read by skills/grammar.h) compiled to the word-id tree the matcher walks.
#pragma once

#include "skills/skill.h"

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

struct Node;
using Sequence = std::vector<Node>;

struct Node {
  enum class Kind { kWord, kGroup, kSlot } kind = Kind::kWord;
  int word = -1;                // kWord: id in the Vocabulary
  std::vector<Sequence> alts;   // kGroup
  bool optional = false;        // kGroup from [ ]
  int slot = -1;                // kSlot: index into Skill::slots
  // Bounds on the tokens this node and the nodes after it in its sequence can take;
  // filled by the parser (slot lengths depend on slot types) to prune the search.
  int min_len = 0, max_len = 0;
  int min_rest = 0, max_rest = 0;
};

// Word <-> id, so matching compares integers.
class Vocabulary {
 public:
  int intern(const std::string& word);
  int find(std::string_view word) const;  // -1 when unknown
  std::size_t size() const { return ids_.size(); }
  // REQUIRES: 0 <= id < size().
  const std::string& word(int id) const { return words_[static_cast<std::size_t>(id)]; }

 private:
  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> words_;
};

// Compiles the tree of one sentence (skills::parse_sentence, Skill::grammar).
Sequence compile_phrase(const skills::Phrase& phrase, Vocabulary& vocab);

// Reads and compiles `text` of `skill`. <rule> resolves in skill.rules, then `shared_rules`.
// Throws skills::LoadError naming the skill's source on bad syntax or unknown names.
Sequence compile_template(std::string_view text, const skills::Skill& skill,
                          const std::map<std::string, std::string>& shared_rules,
                          Vocabulary& vocab);

// Literal words every match of `seq` must contain (those outside any group).
std::vector<int> required_words(const Sequence& seq);

// The fewest tokens a match of `seq` can have (slots count one).
int min_tokens(const Sequence& seq);

}  // namespace hark::nlu
