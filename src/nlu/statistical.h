// The parser's second stage, trained at start-up: sentences generated from every
// skill's templates (slots filled with stand-ins of their type), the skills' examples,
// and the background sentences of no skill. Internal to src/nlu.
#pragma once

#include "nlu/classifier.h"
#include "nlu/compiled.h"
#include "nlu/template.h"
#include "nlu/tokenize.h"

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

class StatisticalModel {
 public:
  // Trains; words of the examples and background sentences are added to `vocab`.
  // Deterministic: the same skills always give the same model. WordNet's answers for the
  // known words are kept in `cache_dir` (when not empty) under a hash of those words, so a
  // second start reads one file instead of asking WordNet again.
  StatisticalModel(const std::vector<CompiledSkill>& skills, const std::vector<Sentence>& sentences,
                   Vocabulary& vocab, const std::filesystem::path& cache_dir = {});

  // The ids of `tokens` as the classifier reads them: each word's stem ("reminders" ->
  // "remind"); a word it never saw is read as a known word WordNet gives as its synonym
  // ("telephone" -> "call"), or one letter away from exactly one word it knows. When
  // `guessed` is set, it says which words were read by synonym or by spelling.
  std::vector<int> read(const std::vector<Token>& tokens, const Vocabulary& vocab,
                        std::vector<char>* guessed = nullptr) const;

  // Classes 0..skills-1 are the skills, in order; class `skills` is the background.
  const Classifier& classifier() const { return classifier_; }

 private:
  int stem_id(int word, const std::string& norm) const;
  int near_known(const std::string& word, const Vocabulary& vocab) const;
  void learn_synonyms(const Vocabulary& vocab, const std::filesystem::path& cache_dir);

  Classifier classifier_;
  Vocabulary stems_;               // what the classifier's ids name: stems
  std::vector<int> stem_of_word_;  // parser word id -> stem id
  int unknown_word_ = -1;  // the parser word id of a free-slot stand-in
  int unknown_stem_ = -1;  // what the classifier reads a word it never saw as
  // Stem of a word no training sentence has -> the stem id of a known word WordNet gives
  // as its synonym in one of its most common senses.
  std::unordered_map<std::string, int> synonym_of_;
  // Each known word of 5+ letters with one letter deleted -> the word (kAmbiguous when
  // two words share the variant): finds "whether" -> "weather" in one lookup per variant.
  std::unordered_map<std::string, int> near_words_;
};

}  // namespace hark::nlu
