#include "nlu/classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hark::nlu {

void expand_random(const Sequence& seq, std::mt19937& rng,
                   const std::function<void(int slot, std::vector<int>& out)>& slot_fill,
                   std::vector<int>& out) {
  for (const auto& n : seq) {
    switch (n.kind) {
      case Node::Kind::kWord:
        out.push_back(n.word);
        break;
      case Node::Kind::kSlot:
        slot_fill(n.slot, out);
        break;
      case Node::Kind::kGroup: {
        std::size_t choices = n.alts.size() + (n.optional ? 1 : 0);
        if (choices == 0) break;
        std::size_t pick = std::uniform_int_distribution<std::size_t>(0, choices - 1)(rng);
        // Optional groups are left out half the time, as people mostly skip them.
        if (n.optional && std::uniform_int_distribution<int>(0, 1)(rng) == 0) break;
        if (pick < n.alts.size()) expand_random(n.alts[pick], rng, slot_fill, out);
        break;
      }
    }
  }
}

namespace {

constexpr int kStart = -1;
constexpr int kEnd = -2;
constexpr int kEpochs = 6;

std::uint64_t unigram_key(int w) { return static_cast<std::uint64_t>(w + 3); }
std::uint64_t bigram_key(int a, int b) {
  return (1ull << 63) | (static_cast<std::uint64_t>(a + 3) << 32) | static_cast<std::uint64_t>(b + 3);
}

}  // namespace

int Classifier::mapped(int word) const {
  if (word < 0 || static_cast<std::size_t>(word) >= known_.size() || !known_[static_cast<std::size_t>(word)])
    return unknown_;
  return word;
}

template <class F>
void Classifier::features(const std::vector<int>& words, F&& each) const {
  int prev = kStart;
  for (int raw : words) {
    int w = mapped(raw);
    each(unigram_key(w));
    // Two unknown words in a row say no more than one.
    if (!(w == unknown_ && prev == unknown_)) each(bigram_key(prev, w));
    prev = w;
  }
  each(bigram_key(prev, kEnd));
}

int Classifier::feature_row(std::uint64_t key) const {
  auto it = rows_.find(key);
  return it == rows_.end() ? -1 : it->second;
}

void Classifier::train(const std::vector<Sample>& samples, int classes, std::size_t vocab_size,
                       int unknown) {
  classes_ = classes;
  unknown_ = unknown;
  const auto c = static_cast<std::size_t>(classes);
  known_.assign(vocab_size, 0);
  word_count_.assign(vocab_size * c, 0.0f);
  word_total_.assign(vocab_size, 0.0f);
  for (const auto& s : samples)
    for (int w : s.words) {
      if (w < 0 || static_cast<std::size_t>(w) >= vocab_size) continue;
      known_[static_cast<std::size_t>(w)] = 1;
      word_count_[static_cast<std::size_t>(w) * c + static_cast<std::size_t>(s.label)] += 1.0f;
      word_total_[static_cast<std::size_t>(w)] += 1.0f;
    }

  // A word in a quarter of the classes or more is a function word.
  function_word_.assign(vocab_size, 0);
  for (std::size_t w = 0; w < vocab_size; ++w) {
    int spread = 0;
    for (std::size_t k = 0; k < c; ++k) spread += word_count_[w * c + k] > 0 ? 1 : 0;
    function_word_[w] = static_cast<std::size_t>(spread) * 4 >= c && spread >= 3 ? 1 : 0;
  }
  if (unknown >= 0 && static_cast<std::size_t>(unknown) < vocab_size) function_word_[static_cast<std::size_t>(unknown)] = 0;

  std::vector<std::vector<int>> rows(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    features(samples[i].words, [&](std::uint64_t key) {
      auto [it, added] = rows_.try_emplace(key, static_cast<int>(rows_.size()));
      rows[i].push_back(it->second);
    });
  }
  weights_.assign(rows_.size() * c, 0.0f);
  bias_.assign(c, 0.0f);

  std::vector<std::size_t> order(samples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(7);
  std::vector<double> p(c);
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    const double lr = 0.3 / (1.0 + epoch);
    for (std::size_t i : order) {
      const auto& r = rows[i];
      for (std::size_t k = 0; k < c; ++k) p[k] = bias_[k];
      for (int row : r)
        for (std::size_t k = 0; k < c; ++k) p[k] += weights_[static_cast<std::size_t>(row) * c + k];
      double mx = *std::max_element(p.begin(), p.end()), sum = 0;
      for (auto& v : p) sum += (v = std::exp(v - mx));
      for (std::size_t k = 0; k < c; ++k) {
        double g = p[k] / sum - (static_cast<int>(k) == samples[i].label ? 1.0 : 0.0);
        if (std::abs(g) < 1e-4) continue;
        auto step = static_cast<float>(lr * g);
        bias_[k] -= step * 0.1f;
        for (int row : r) weights_[static_cast<std::size_t>(row) * c + k] -= step;
      }
    }
  }
}

Classifier::Prediction Classifier::predict(const std::vector<int>& words) const {
  const auto c = static_cast<std::size_t>(classes_);
  // Scores live on the stack for the usual number of classes.
  constexpr std::size_t kInline = 128;
  double inline_scores[kInline];
  std::vector<double> heap;
  double* s = inline_scores;
  if (c > kInline) {
    heap.resize(c);
    s = heap.data();
  }
  for (std::size_t k = 0; k < c; ++k) s[k] = bias_[k];
  features(words, [&](std::uint64_t key) {
    int row = feature_row(key);
    if (row < 0) return;
    const float* w = &weights_[static_cast<std::size_t>(row) * c];
    for (std::size_t k = 0; k < c; ++k) s[k] += w[k];
  });
  std::size_t best = 0;
  for (std::size_t k = 1; k < c; ++k)
    if (s[k] > s[best]) best = k;
  double sum = 0;
  for (std::size_t k = 0; k < c; ++k) sum += std::exp(s[k] - s[best]);
  Prediction out;
  out.label = static_cast<int>(best);
  out.prob = 1.0 / sum;
  for (std::size_t k = 0; k < c; ++k)
    if (k != best && (out.second < 0 || s[k] > s[static_cast<std::size_t>(out.second)])) out.second = static_cast<int>(k);
  if (out.second >= 0) out.second_prob = std::exp(s[static_cast<std::size_t>(out.second)] - s[best]) / sum;
  out.coverage = coverage(words, out.label, {});
  return out;
}

double Classifier::coverage(const std::vector<int>& words, int label,
                            const std::vector<char>& explained) const {
  // Coverage counts content words only: a word most skills use ("what", "the", "my")
  // says nothing about whether this skill explains the request. Unknown words count
  // against it, so a request made mostly of words no skill knows falls back.
  int content = 0;
  double covered = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    int w = mapped(words[i]);
    if (w != unknown_ && function_word_[static_cast<std::size_t>(w)]) continue;
    ++content;
    if ((i < explained.size() && explained[i]) || uses(words[i], label)) covered += 1;
  }
  return content == 0 ? 0.0 : covered / content;
}

bool Classifier::uses(int word, int label) const {
  int w = mapped(word);
  if (w == unknown_ || label < 0 || label >= classes_) return false;
  return word_count_[static_cast<std::size_t>(w) * static_cast<std::size_t>(classes_) + static_cast<std::size_t>(label)] > 0;
}

bool Classifier::distinctive(int word, int label) const {
  if (word < 0 || static_cast<std::size_t>(word) >= known_.size() || !known_[static_cast<std::size_t>(word)])
    return false;
  const auto c = static_cast<std::size_t>(classes_);
  float total = word_total_[static_cast<std::size_t>(word)];
  float mine = word_count_[static_cast<std::size_t>(word) * c + static_cast<std::size_t>(label)];
  return total >= 10 && mine >= 0.75f * total;
}

}  // namespace hark::nlu
