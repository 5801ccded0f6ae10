// The shared cache of guessed pronunciations and the dictionary's words (see pronouncer.h);
// the espeak-ng guessing itself is in pronounce.cc.
#include "asr/pronouncer.h"

#include "asr/language_model.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <unordered_set>

namespace hark::asr {

PronunciationCache::PronunciationCache(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

std::optional<std::string> PronunciationCache::find(const std::string& word) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(word);
  if (it == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void PronunciationCache::put(const std::string& word, std::string phones) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(word); it != index_.end()) {
    it->second->second = std::move(phones);
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(word, std::move(phones));
  index_.emplace(word, order_.begin());
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

std::size_t PronunciationCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

std::string_view dictionary_headword(std::string_view line) {
  const auto end = line.find_first_of(" \t(");
  if (end == std::string_view::npos) return {};
  return line.substr(0, end);
}

DictionaryWords DictionaryWords::read(const std::filesystem::path& dictionary) {
  DictionaryWords d;
  std::ifstream in(dictionary);
  for (std::string line; std::getline(in, line);)
    if (const auto word = dictionary_headword(line); !word.empty()) d.hashes_.push_back(content_hash(word));
  std::sort(d.hashes_.begin(), d.hashes_.end());
  d.hashes_.erase(std::unique(d.hashes_.begin(), d.hashes_.end()), d.hashes_.end());
  return d;
}

bool DictionaryWords::contains(std::string_view word) const {
  return std::binary_search(hashes_.begin(), hashes_.end(), content_hash(word));
}

Pronouncer::Pronouncer(DictionaryWords dictionary, PronouncerOptions options, BatchGuesser guess)
    : dictionary_(std::move(dictionary)),
      options_(options),
      guess_(std::move(guess)),
      cache_(options.cache_entries) {}

Pronunciations Pronouncer::pronounce(const std::vector<std::string>& phrases) {
  Pronunciations out;
  std::unordered_set<std::string> seen;
  std::vector<std::string> unknown;  // neither in the dictionary nor cached, in order
  std::size_t over_cap = 0;
  for (const auto& phrase : phrases)
    for (auto& w : words_of(phrase)) {
      if (w == kContactClass || dictionary_.contains(w) || !seen.insert(w).second) continue;
      if (auto hit = cache_.find(w)) {
        out.emplace(w, std::move(*hit));
      } else if (unknown.size() < options_.max_guesses) {
        unknown.push_back(std::move(w));
      } else {
        ++over_cap;
      }
    }
  if (over_cap > 0)
    spdlog::warn("asr: {} more words need a pronunciation than the {} guessed per session; they are not heard",
                 over_cap, options_.max_guesses);
  if (unknown.empty()) return out;
  // No lock is held here: sessions guessing at once each run their own batch.
  auto phones = guess_(unknown);
  phones.resize(unknown.size());
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    // Only real guesses are kept: "" may be a failed run (espeak-ng too slow on a loaded
    // machine), which must not stick to the word; such words are tried again next time.
    if (phones[i].empty()) continue;
    cache_.put(unknown[i], phones[i]);
    out.emplace(std::move(unknown[i]), std::move(phones[i]));
  }
  return out;
}

}  // namespace hark::asr
