#include "nlu/statistical.h"

#include "nlu/background.h"

#include <algorithm>
#include <array>
#include <random>

namespace hark::nlu {
namespace {

constexpr int kAmbiguous = -2;
constexpr std::size_t kMinSlipLength = 5;
// Generated sentences per skill, and how often each example and background sentence
// is repeated: enough that a skill with few templates still has a voice.
constexpr int kPerSkill = 300;
constexpr int kExampleRepeats = 5;
constexpr int kBackgroundRepeats = 3;

std::vector<int> intern_words(std::string_view text, Vocabulary& vocab) {
  std::vector<int> out;
  for (auto& t : tokenize(text))
    if (!ignorable(t.norm)) out.push_back(vocab.intern(t.norm));
  return out;
}

}  // namespace

// Generates sentences from every skill's templates (slots filled with stand-ins of
// their type), adds the skills' examples and the background sentences, and trains.
StatisticalModel::StatisticalModel(const std::vector<CompiledSkill>& skills,
                                   const std::vector<Sentence>& sentences, Vocabulary& vocab) {
  unknown_word_ = vocab.intern("<x>");
  auto pool = [&](std::initializer_list<std::string_view> phrases) {
    std::vector<std::vector<int>> out;
    for (auto p : phrases) {
      std::vector<int> ids;
      for (auto& t : tokenize(p)) ids.push_back(t.norm == "x" ? unknown_word_ : vocab.intern(t.norm));
      out.push_back(std::move(ids));
    }
    return out;
  };
  // Stand-ins per typed slot kind; "x" marks a word the classifier will not know
  // (digits, names), as at parse time.
  std::array<std::vector<std::vector<int>>, 5> typed = {
      pool({"x", "five", "twenty", "a dozen", "ten", "x point x"}),
      pool({"x", "x am", "x pm", "x thirty", "noon", "seven", "x o'clock", "midnight"}),
      pool({"tomorrow", "today", "friday", "next week", "monday", "x", "this weekend", "the x"}),
      pool({"tomorrow at x", "in x hours", "friday at noon", "tonight", "x pm", "tomorrow morning",
            "next monday", "x"}),
      pool({"x minutes", "an hour", "x seconds", "x hours", "half an hour", "ten minutes"}),
  };
  std::mt19937 rng(1234);
  std::vector<Sample> samples;
  const int background = static_cast<int>(skills.size());
  for (std::size_t k = 0; k < skills.size(); ++k) {
    const CompiledSkill& cs = skills[k];
    std::vector<const Sentence*> own;
    for (const auto& s : sentences)
      if (s.skill == static_cast<int>(k)) own.push_back(&s);
    auto fill = [&](int slot, std::vector<int>& out) {
      const CompiledSlot& sl = cs.slots[static_cast<std::size_t>(slot)];
      auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
      switch (sl.kind) {
        case SlotKind::kClosed:
          if (!sl.phrases.empty()) {
            const auto& ph = sl.phrases[pick(sl.phrases.size())].first;
            out.insert(out.end(), ph.begin(), ph.end());
          }
          break;
        case SlotKind::kText:
        case SlotKind::kContact:
          out.insert(out.end(), 1 + pick(2), unknown_word_);
          break;
        default: {
          const auto& p = typed[static_cast<std::size_t>(sl.kind) - static_cast<std::size_t>(SlotKind::kNumber)];
          const auto& ph = p[pick(p.size())];
          out.insert(out.end(), ph.begin(), ph.end());
        }
      }
    };
    for (int i = 0; !own.empty() && i < kPerSkill; ++i) {
      Sample s;
      s.label = static_cast<int>(k);
      expand_random(own[static_cast<std::size_t>(i) % own.size()]->seq, rng, fill, s.words);
      if (!s.words.empty()) samples.push_back(std::move(s));
    }
    for (const auto& ex : cs.skill->examples)
      for (int r = 0; r < kExampleRepeats; ++r)
        samples.push_back({intern_words(ex, vocab), static_cast<int>(k)});
  }
  for (auto text : background_sentences())
    for (int r = 0; r < kBackgroundRepeats; ++r) samples.push_back({intern_words(text, vocab), background});
  classifier_.train(samples, background + 1, vocab.size(), unknown_word_);
  for (int id = 0; id < static_cast<int>(vocab.size()); ++id) {
    const std::string& w = vocab.word(id);
    if (w.size() < kMinSlipLength || !classifier_.knows(id)) continue;
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::string variant = w.substr(0, i) + w.substr(i + 1);
      auto [it, added] = near_words_.try_emplace(variant, id);
      if (!added && it->second != id) it->second = kAmbiguous;
    }
  }
}

std::vector<int> StatisticalModel::read(const std::vector<Token>& tokens, const Vocabulary& vocab) const {
  std::vector<int> ids(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    ids[i] = vocab.find(tokens[i].norm);
    if (!classifier_.knows(ids[i])) ids[i] = near_known(tokens[i].norm, vocab);
  }
  return ids;
}

// A word the classifier never saw, one letter away (added, dropped or changed) from
// exactly one word it knows, is read as that word: what a recognizer slip looks like.
int StatisticalModel::near_known(const std::string& w, const Vocabulary& vocab) const {
  if (w.size() < kMinSlipLength ||
      !std::all_of(w.begin(), w.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
    return -1;
  int found = -1;
  auto offer = [&](int id) {
    if (id < 0 || found == kAmbiguous) {
      if (id == kAmbiguous) found = kAmbiguous;
      return;
    }
    if (found == -1) found = id;
    else if (found != id) found = kAmbiguous;
  };
  if (auto it = near_words_.find(w); it != near_words_.end()) offer(it->second);  // dropped
  std::string variant;
  for (std::size_t i = 0; i < w.size(); ++i) {
    variant.assign(w, 0, i);
    variant.append(w, i + 1);
    int id = vocab.find(variant);  // one letter too many
    if (id >= 0 && classifier_.knows(id) && variant.size() >= kMinSlipLength) offer(id);
    if (auto it = near_words_.find(variant); it != near_words_.end()) offer(it->second);  // changed
  }
  return found >= 0 ? found : -1;
}

}  // namespace hark::nlu
