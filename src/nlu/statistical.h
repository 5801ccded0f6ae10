// The parser's second stage, trained at start-up: sentences generated from every
// skill's templates (slots filled with stand-ins of their type), the skills' examples,
// and the background sentences of no skill. Internal to src/nlu.
#pragma once

#include "nlu/classifier.h"
#include "nlu/compiled.h"
#include "nlu/template.h"
#include "nlu/tokenize.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

class StatisticalModel {
 public:
  // Trains; words of the examples and background sentences are added to `vocab`.
  // Deterministic: the same skills always give the same model.
  StatisticalModel(const std::vector<CompiledSkill>& skills, const std::vector<Sentence>& sentences,
                   Vocabulary& vocab);

  // The word ids of `tokens` as the classifier reads them: a word it never saw, one
  // letter away from exactly one word it knows, is read as that word.
  std::vector<int> read(const std::vector<Token>& tokens, const Vocabulary& vocab) const;

  // Classes 0..skills-1 are the skills, in order; class `skills` is the background.
  const Classifier& classifier() const { return classifier_; }

 private:
  int near_known(const std::string& word, const Vocabulary& vocab) const;

  Classifier classifier_;
  int unknown_word_ = -1;  // what the classifier reads a word it never saw as
  // Each known word of 5+ letters with one letter deleted -> the word (kAmbiguous when
  // two words share the variant): finds "whether" -> "weather" in one lookup per variant.
  std::unordered_map<std::string, int> near_words_;
};

}  // namespace hark::nlu
