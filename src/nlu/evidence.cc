#include "nlu/evidence.h"

#include "nlu/background.h"
#include "nlu/lexicon.h"
#include "nlu/normalize.h"

#include <algorithm>
#include <mutex>

namespace hark::nlu {
namespace {

// A noun's most common WordNet sense, and its hypernyms two levels up: near enough that
// the topic is still the noun's ("burrito" -> "dish"), not a category of everything.
constexpr int kTopicSenses = 1;
constexpr int kTopicDepth = 2;
// Words whose answer is kept; past it a word is looked up each time (a bound on memory
// for a server that hears unbounded vocabulary).
constexpr std::size_t kMaxKept = 1 << 16;

// A word that can name a topic: letters only, not a number ("four" is a quantity).
bool topical(const std::string& w) {
  return w.size() >= 3 && w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos &&
         !normalize_number(w);
}

}  // namespace

bool names_required_values(const skills::Skill& skill, const std::map<std::string, Slot>& slots) {
  for (const auto& def : skill.slots)
    if (def.type == skills::SlotType::kClosed && def.required && !slots.count(def.name)) return false;
  return true;
}

Evidence::Evidence(const StatisticalModel& model, const Vocabulary& vocab) : model_(model) {
  const Classifier& classifier = model.classifier();
  const int skills = classifier.classes() - 1;  // the last class is the background
  for (auto text : background_sentences()) {
    std::vector<Token> tokens = tokenize(text);
    std::vector<int> ids = model.read(tokens, vocab);
    std::vector<char> shares(static_cast<std::size_t>(skills), 0);
    std::vector<std::size_t> topics;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (!topical(tokens[i].norm) || classifier.function_word(ids[i])) continue;
      bool used = false;
      for (int k = 0; k < skills; ++k) {
        used = used || classifier.uses(ids[i], k);
        if (classifier.distinctive(ids[i], k)) shares[static_cast<std::size_t>(k)] = 1;
      }
      if (!used) topics.push_back(i);
    }
    for (std::size_t i : topics) {
      auto [it, added] =
          topic_of_stem_.try_emplace(lexicon::stem(tokens[i].norm), static_cast<int>(foreign_.size()));
      if (added) foreign_.emplace_back(static_cast<std::size_t>(skills), 0);
      auto& foreign = foreign_[static_cast<std::size_t>(it->second)];
      for (int k = 0; k < skills; ++k)
        if (!shares[static_cast<std::size_t>(k)]) foreign[static_cast<std::size_t>(k)] = 1;
    }
  }
}

const std::vector<int>& Evidence::topics_of(const std::string& word) const {
  {
    std::shared_lock lock(mutex_);
    if (auto it = known_.find(word); it != known_.end()) return it->second;
  }
  std::vector<int> topics;
  for (const auto& lemma : lexicon::noun_ancestors(word, kTopicSenses, kTopicDepth))
    if (auto it = topic_of_stem_.find(lexicon::stem(lemma)); it != topic_of_stem_.end())
      if (std::find(topics.begin(), topics.end(), it->second) == topics.end()) topics.push_back(it->second);
  std::unique_lock lock(mutex_);
  if (known_.size() >= kMaxKept) {
    thread_local std::vector<int> uncached;
    return uncached = std::move(topics);
  }
  return known_.try_emplace(word, std::move(topics)).first->second;
}

int Evidence::off_topic(const std::vector<Token>& tokens, const std::vector<int>& ids, int label,
                        const std::vector<char>& explained) const {
  const Classifier& classifier = model_.classifier();
  if (label < 0 || label >= classifier.classes() - 1) return -1;
  for (std::size_t i = 0; i < tokens.size() && i < ids.size(); ++i) {
    if (i < explained.size() && explained[i]) continue;
    const std::string& w = tokens[i].norm;
    if (!topical(w) || classifier.function_word(ids[i]) || classifier.uses(ids[i], label)) continue;
    for (int t : topics_of(w))
      if (foreign_[static_cast<std::size_t>(t)][static_cast<std::size_t>(label)]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace hark::nlu
