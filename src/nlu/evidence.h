// What an action chosen by the statistical stage needs besides a probable class: the
// request must name a value of each closed-list slot the skill's sentences all have
// ("turn it on" names no setting), and must not be about something WordNet files under
// a topic of the background sentences that has nothing to do with the skill (the
// temperature of a soup is not the weather's). Template matches are not asked.
// Internal to src/nlu.
#pragma once

#include "nlu/parser.h"
#include "nlu/statistical.h"

#include <cstddef>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

// True when `slots` has a value for every closed-list slot `skill` requires (the loader
// marks a slot required when every sentence of the skill has it).
bool names_required_values(const skills::Skill& skill, const std::map<std::string, Slot>& slots);

class Evidence {
 public:
  // REQUIRES: `model` outlives this. Reads the background sentences through `vocab`.
  Evidence(const StatisticalModel& model, const Vocabulary& vocab);

  // The index of the first of `tokens` (read by the classifier as `ids`) that is a noun
  // filed under a background topic foreign to class `label`, when `label` never uses
  // the word; -1 when none is. Tokens set in `explained` (slot values) are not asked
  // about. Thread-safe.
  int off_topic(const std::vector<Token>& tokens, const std::vector<int>& ids, int label,
                const std::vector<char>& explained) const;

 private:
  const std::vector<int>& topics_of(const std::string& word) const;

  const StatisticalModel& model_;
  // Background topics: the stems of background words no skill uses, each with the skills
  // it is foreign to (a background sentence has it and no word that by itself points at
  // the skill: "is the garage door closed" is a door skill's neighbour, not foreign to it).
  std::unordered_map<std::string, int> topic_of_stem_;
  std::vector<std::vector<char>> foreign_;  // topic -> skill -> foreign
  // The topics WordNet files each word asked about under, kept: a lookup costs far more
  // than a parse. Read on every parse by every worker, written once per new word.
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, std::vector<int>> known_;
};

}  // namespace hark::nlu
