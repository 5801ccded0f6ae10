// The statistical stage: a multinomial logistic regression over word unigrams and
// bigrams, trained at start-up on sentences generated from the skills' own templates
// and examples, plus a background class of requests no skill covers. Small and
// deterministic (fixed seed), so a result can be explained by its features' weights.
#pragma once

#include "nlu/template.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <unordered_map>
#include <vector>

namespace hark::nlu {

// One training sentence: word ids and the class (a skill index, or the background class).
struct Sample {
  std::vector<int> words;
  int label = 0;
};

// Appends one random sentence `seq` can produce to `out`. `slot_fill(slot, out)` appends
// words standing for a value of that slot.
void expand_random(const Sequence& seq, std::mt19937& rng,
                   const std::function<void(int slot, std::vector<int>& out)>& slot_fill,
                   std::vector<int>& out);

class Classifier {
 public:
  struct Prediction {
    int label = -1;
    double prob = 0.0;      // softmax probability of `label`
    // Share of the input's content words (not used by most classes) that `label`'s
    // training sentences contain; unknown words count as not contained.
    double coverage = 0.0;
    // The runner-up class and its probability (-1 and 0 with one class): how close the
    // choice was, for the parser's ask-back.
    int second = -1;
    double second_prob = 0.0;
  };

  // `unknown` is the word id every word not seen in training is read as (the id the
  // generated sentences use for free-text slot words). Deterministic.
  void train(const std::vector<Sample>& samples, int classes, std::size_t vocab_size, int unknown);

  // REQUIRES: train() was called. Thread-safe; `words` may hold ids unknown to training
  // or negative ids.
  Prediction predict(const std::vector<int>& words) const;

  // The coverage of `words` by `label`, counting words[i] as explained when
  // explained[i] is set (a slot value found there; `explained` may be shorter).
  double coverage(const std::vector<int>& words, int label, const std::vector<char>& explained) const;

  // True when `word` was seen in training mostly (>= 75%) in sentences of `label`: a word
  // that by itself points at that class ("dial" for call).
  bool distinctive(int word, int label) const;

  // True when `word` occurred in the training sentences of `label`.
  bool uses(int word, int label) const;

  int classes() const { return classes_; }
  // True when `word` occurs in the sentences of many classes ("what", "the", "my").
  bool function_word(int word) const {
    int w = mapped(word);
    return w != unknown_ && function_word_[static_cast<std::size_t>(w)] != 0;
  }
  // True when `word` occurred in training (and is not the unknown-word id).
  bool knows(int word) const { return mapped(word) != unknown_; }

 private:
  int mapped(int word) const;
  template <class F>
  void features(const std::vector<int>& words, F&& each) const;
  int feature_row(std::uint64_t key) const;

  int classes_ = 0;
  int unknown_ = -1;
  std::vector<char> known_;                        // word id -> seen in training
  std::vector<float> word_count_;                  // word id * classes + class
  std::vector<float> word_total_;                  // word id
  std::vector<char> function_word_;                // word id -> used by many classes
  std::unordered_map<std::uint64_t, int> rows_;    // feature key -> row
  std::vector<float> weights_;                     // row * classes + class
  std::vector<float> bias_;
};

}  // namespace hark::nlu
