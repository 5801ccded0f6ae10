// Pronunciations of words the decoders' dictionary lacks (a user's contact names, new domain
// words), guessed with espeak-ng. A session's words are guessed before it borrows a decoder
// (the shared decoders are never held while espeak-ng runs), a whole batch of words costs
// one espeak-ng run, and the guesses are kept in a bounded cache shared by every session, so
// a name is guessed once and a huge contact list cannot grow memory without bound.
//
//   asr::Pronouncer pronouncer(asr::DictionaryWords::read(model.dictionary));  // once
//   auto guessed = pronouncer.pronounce(contact_names);  // before acquire()
//   lease->add_words(contact_names, guessed);           // only ps_add_word inside the lease
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hark::asr {

// Pronunciations in CMU phones ("K AE P UW CH IY N OW") guessed with one espeak-ng run: one
// entry per word, in order, empty when espeak-ng is missing or gives nothing usable. (Should
// espeak-ng's lines not match the words one to one, the batch is halved until they do.)
std::vector<std::string> guess_pronunciations(const std::vector<std::string>& words);

// The word a line of a cmudict-format dictionary pronounces ("word phones", variants as
// "word(2) phones"); empty for a line that is no entry.
std::string_view dictionary_headword(std::string_view line);

// Maps espeak-ng IPA output to CMU phones (exposed for tests).
std::string ipa_to_cmu(std::string_view ipa);

// Guessed pronunciations: word (lower case, as words_of gives it) -> CMU phones.
using Pronunciations = std::unordered_map<std::string, std::string>;

// A map word -> phones of at most `capacity` entries; beyond it the least recently used
// (found or put) entry goes. Thread-safe.
class PronunciationCache {
 public:
  explicit PronunciationCache(std::size_t capacity);
  // The phones of `word`, now the most recently used; nullopt when not cached.
  std::optional<std::string> find(const std::string& word);
  void put(const std::string& word, std::string phones);
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<std::string, std::string>;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// The headwords of a pronunciation dictionary (cmudict format: "word phones", variants as
// "word(2)"): which words need no guess. Kept as sorted 64-bit hashes, about 1 MB for the
// 135k words of cmudict.
class DictionaryWords {
 public:
  DictionaryWords() = default;  // knows no word: every word needs a guess
  static DictionaryWords read(const std::filesystem::path& dictionary);
  bool contains(std::string_view word) const;
  std::size_t size() const { return hashes_.size(); }

 private:
  std::vector<std::uint64_t> hashes_;
};

struct PronouncerOptions {
  // Guessed pronunciations kept (all sessions together).
  std::size_t cache_entries = 4096;
  // Words guessed in one pronounce() call (one session's list). Words beyond it are not
  // guessed for that session (so the decoder it borrows does not know them; a warning is
  // logged) and stay uncached: a later session guesses the next ones. With a 1000-contact
  // list about a second of espeak-ng.
  std::size_t max_guesses = 1000;
};

// Guesses phones for words, one entry per word, in order: the seam of the tests.
using BatchGuesser = std::function<std::vector<std::string>(const std::vector<std::string>&)>;

// The dictionary's words, the shared cache and the guesser. Thread-safe.
class Pronouncer {
 public:
  explicit Pronouncer(DictionaryWords dictionary, PronouncerOptions options = {},
                      BatchGuesser guess = guess_pronunciations);

  // The pronunciations of the words of `phrases` that the dictionary lacks: cached ones at
  // once, the others guessed together in one batch (about a millisecond a word), which
  // blocks: call it before borrowing a decoder. Words without a usable pronunciation, and
  // those over max_guesses, are absent from the answer and not cached (tried again next time).
  Pronunciations pronounce(const std::vector<std::string>& phrases);

  const PronunciationCache& cache() const { return cache_; }

 private:
  DictionaryWords dictionary_;
  PronouncerOptions options_;
  BatchGuesser guess_;
  PronunciationCache cache_;
};

}  // namespace hark::asr
