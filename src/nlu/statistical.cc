#include "nlu/statistical.h"

#include "nlu/background.h"
#include "nlu/lexicon.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

namespace hark::nlu {
namespace {

constexpr int kAmbiguous = -2;
constexpr std::size_t kMinSlipLength = 5;
// Generated sentences per skill, and how often each example and background sentence
// is repeated: enough that a skill with few templates still has a voice.
constexpr int kPerSkill = 300;
constexpr int kExampleRepeats = 5;
constexpr int kBackgroundRepeats = 3;
// WordNet senses of a known word whose synonyms are read as it: the most common ones only,
// as rarer senses mostly lead elsewhere ("call" as "name").
constexpr int kSynonymSenses = 2;

// word -> its WordNet synonyms, one word a line: "word syn syn ...".
using SynonymTable = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::string table_key(const std::vector<std::string>& words) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the words, the senses, the data
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const auto& w : words) mix(w);
  mix(std::to_string(kSynonymSenses));
  mix(lexicon::wordnet_version());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::optional<SynonymTable> read_table(const std::filesystem::path& file, const std::vector<std::string>& words) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  SynonymTable table;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string word, syn;
    if (!(fields >> word)) continue;
    table.emplace_back(word, std::vector<std::string>{});
    while (fields >> syn) table.back().second.push_back(syn);
  }
  // A torn or foreign file is asked again rather than trusted.
  if (table.size() != words.size()) return std::nullopt;
  for (std::size_t i = 0; i < words.size(); ++i)
    if (table[i].first != words[i]) return std::nullopt;
  return table;
}

void write_table(const std::filesystem::path& file, const SynonymTable& table) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::filesystem::path tmp = file;
  tmp += ".tmp" + std::to_string(std::random_device{}());
  {
    std::ofstream out(tmp);
    for (const auto& [word, syns] : table) {
      out << word;
      for (const auto& s : syns) out << ' ' << s;
      out << '\n';
    }
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;  // no cache this time; the table is still used
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

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
                                   const std::vector<Sentence>& sentences, Vocabulary& vocab,
                                   const std::filesystem::path& cache_dir) {
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
        case skills::SlotType::kClosed:
          if (!sl.phrases.empty()) {
            const auto& ph = sl.phrases[pick(sl.phrases.size())].first;
            out.insert(out.end(), ph.begin(), ph.end());
          }
          break;
        case skills::SlotType::kText:
        case skills::SlotType::kContact:
          out.insert(out.end(), 1 + pick(2), unknown_word_);
          break;
        default: {
          const auto& p = typed[static_cast<std::size_t>(sl.kind) - static_cast<std::size_t>(skills::SlotType::kNumber)];
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
    for (const auto* list : {&cs.skill->examples, &cs.skill->training})
      for (const auto& ex : *list)
        for (int r = 0; r < kExampleRepeats; ++r)
          samples.push_back({intern_words(ex, vocab), static_cast<int>(k)});
  }
  for (auto text : background_sentences())
    for (int r = 0; r < kBackgroundRepeats; ++r) samples.push_back({intern_words(text, vocab), background});
  // The classifier sees stems: "reminders", "reminding" and "remind" are one feature.
  stem_of_word_.resize(vocab.size());
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    const std::string& w = vocab.word(static_cast<int>(id));
    stem_of_word_[id] = static_cast<int>(id) == unknown_word_ ? stems_.intern(w) : stems_.intern(lexicon::stem(w));
  }
  unknown_stem_ = stem_of_word_[static_cast<std::size_t>(unknown_word_)];
  for (auto& sample : samples)
    for (int& w : sample.words) w = w >= 0 ? stem_of_word_[static_cast<std::size_t>(w)] : w;
  classifier_.train(samples, background + 1, stems_.size(), unknown_stem_);
  for (int id = 0; id < static_cast<int>(vocab.size()); ++id) {
    const std::string& w = vocab.word(id);
    int sid = stem_of_word_[static_cast<std::size_t>(id)];
    if (w.size() < kMinSlipLength || !classifier_.knows(sid)) continue;
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::string variant = w.substr(0, i) + w.substr(i + 1);
      auto [it, added] = near_words_.try_emplace(variant, sid);
      if (!added && it->second != sid) it->second = kAmbiguous;
    }
  }
  learn_synonyms(vocab, cache_dir);
}

// For every content word the classifier knows, its WordNet synonyms that it does not
// know are read as it. Frequent words choose first; a synonym two words claim is dropped.
void StatisticalModel::learn_synonyms(const Vocabulary& vocab, const std::filesystem::path& cache_dir) {
  std::vector<int> words;
  for (int id = 0; id < static_cast<int>(vocab.size()); ++id) {
    int sid = stem_of_word_[static_cast<std::size_t>(id)];
    const std::string& w = vocab.word(id);
    if (id == unknown_word_ || w.size() < 3 || !classifier_.knows(sid) || classifier_.function_word(sid)) continue;
    if (w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) continue;
    words.push_back(id);
  }
  std::vector<std::string> names;
  for (int id : words) names.push_back(vocab.word(id));
  std::filesystem::path file = cache_dir.empty() ? cache_dir : cache_dir / ("synonyms-" + table_key(names) + ".txt");
  std::optional<SynonymTable> table = file.empty() ? std::nullopt : read_table(file, names);
  if (!table) {
    table.emplace();
    for (const auto& w : names) table->emplace_back(w, lexicon::synonyms(w, kSynonymSenses));
    if (!file.empty() && !lexicon::wordnet_version().empty()) write_table(file, *table);
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    int sid = stem_of_word_[static_cast<std::size_t>(words[i])];
    for (const auto& syn : (*table)[i].second) {
      std::string s = lexicon::stem(syn);
      int known = stems_.find(s);
      if (known >= 0 && classifier_.knows(known)) continue;
      auto [it, added] = synonym_of_.try_emplace(s, sid);
      if (!added && it->second != sid) it->second = kAmbiguous;
    }
  }
}

int StatisticalModel::stem_id(int word, const std::string& norm) const {
  if (word >= 0 && static_cast<std::size_t>(word) < stem_of_word_.size())
    return stem_of_word_[static_cast<std::size_t>(word)];
  return stems_.find(lexicon::stem(norm));
}

std::vector<int> StatisticalModel::read(const std::vector<Token>& tokens, const Vocabulary& vocab,
                                        std::vector<char>* guessed) const {
  std::vector<int> ids(tokens.size());
  if (guessed) guessed->assign(tokens.size(), 0);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& norm = tokens[i].norm;
    ids[i] = stem_id(vocab.find(norm), norm);
    if (classifier_.knows(ids[i])) continue;
    int found = -1;
    if (auto it = synonym_of_.find(lexicon::stem(norm)); it != synonym_of_.end() && it->second >= 0)
      found = it->second;
    if (found < 0) found = near_known(norm, vocab);
    if (found >= 0 && guessed) (*guessed)[i] = 1;
    ids[i] = found;
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
    int sid = id >= 0 ? stem_of_word_[static_cast<std::size_t>(id)] : -1;
    if (sid >= 0 && classifier_.knows(sid) && variant.size() >= kMinSlipLength) offer(sid);
    if (auto it = near_words_.find(variant); it != near_words_.end()) offer(it->second);  // changed
  }
  return found >= 0 ? found : -1;
}

}  // namespace hark::nlu
