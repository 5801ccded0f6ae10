#include "nlu/lexicon.h"

#include <libstemmer.h>
#include <wn.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace hark::nlu::lexicon {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

// libwordnet keeps global state (open files, static buffers): one caller at a time.
std::mutex& wordnet_mutex() {
  static std::mutex m;
  return m;
}

bool wordnet_ready() {
  static const bool ready = [] { return wninit() == 0; }();
  return ready;
}

}  // namespace

std::string stem(std::string_view word) {
  // A stemmer is not thread-safe; each thread has its own.
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(sb_stemmer_new("english", "UTF_8"));
  if (!stemmer || word.empty()) return std::string(word);
  const sb_symbol* out = sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  if (!out) return std::string(word);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(stemmer.get())));
}

std::vector<std::string> synonyms(const std::string& word, int senses) {
  std::vector<std::string> out;
  if (word.empty() || word.size() > 64 || senses <= 0) return out;
  std::lock_guard lock(wordnet_mutex());
  if (!wordnet_ready()) return out;
  for (int pos : {NOUN, VERB}) {
    std::string buf = word;  // findtheinfo_ds may write to its argument
    SynsetPtr found = findtheinfo_ds(buf.data(), pos, SYNS, ALLSENSES);
    int n = 0;
    for (SynsetPtr s = found; s && n < senses; s = s->nextss, ++n)
      for (int i = 0; i < s->wcount; ++i) {
        std::string w = s->words[i];
        // Multi-word entries ("call_up") and proper names are not single words people say.
        if (w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos || w == word) continue;
        if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
      }
    if (found) free_syns(found);
  }
  return out;
}

const std::string& wordnet_version() {
  static const std::string version = [] {
    std::lock_guard lock(wordnet_mutex());
    return wordnet_ready() ? std::string("wordnet-3.0") : std::string();
  }();
  return version;
}

}  // namespace hark::nlu::lexicon
