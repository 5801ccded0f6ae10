#include "nlu/lexicon.h"

#include <libstemmer.h>
#include <wn.h>

#include <algorithm>
#include <cctype>
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

// Lower-case letters only: not a multi-word entry ("call_up") or a proper name.
bool single_word(const std::string& w) { return w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos; }

std::string lower(std::string w) {
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
  return w;
}

// The base form of `word` as a `pos` ("flights" -> "flight") and WordNet's index entry for
// it (null when none; the caller frees it). Callers hold wordnet_mutex(), as below.
std::pair<std::string, IndexPtr> index_of(const std::string& word, int pos) {
  std::string buf = word;  // morphstr and getindex may write to their argument
  const char* base = morphstr(buf.data(), pos);
  std::string lemma = base ? base : word;
  IndexPtr index = getindex(lemma.data(), pos);
  return {std::move(lemma), index};
}

// Calls `each` with the noun synset at `offset`, if there is one.
template <class F>
void read_noun(long offset, F&& each) {
  char none[] = "";
  SynsetPtr s = read_synset(NOUN, offset, none);
  if (!s) return;
  each(static_cast<const Synset&>(*s));
  free_synset(s);
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
        if (!single_word(w) || w == word) continue;
        if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
      }
    if (found) free_syns(found);
  }
  return out;
}

std::vector<std::string> noun_ancestors(const std::string& word, int senses, int depth) {
  std::vector<std::string> out;
  if (word.empty() || word.size() > 64 || senses <= 0) return out;
  std::lock_guard lock(wordnet_mutex());
  if (!wordnet_ready()) return out;
  auto [lemma, index] = index_of(word, NOUN);
  if (!index) return out;
  std::vector<long> offsets(index->offset, index->offset + index->off_cnt);
  free_index(index);
  for (int pos : {VERB, ADJ, ADV}) {
    IndexPtr other = index_of(word, pos).second;
    bool more = other && other->off_cnt > static_cast<int>(offsets.size());
    if (other) free_index(other);
    if (more) return out;  // mostly not a noun: "add"
  }
  // A name in one sense ("John", "Austin") may be a name in this request too.
  bool name = false;
  for (long offset : offsets)
    read_noun(offset, [&](const Synset& s) {
      for (int i = 0; i < s.wcount; ++i) name = name || (s.words[i] != lemma && lower(s.words[i]) == lemma);
    });
  if (name) return out;
  offsets.resize(std::min(offsets.size(), static_cast<std::size_t>(senses)));
  std::vector<long> seen;
  for (int d = 0; d <= depth && !offsets.empty(); ++d) {
    std::vector<long> next;
    for (long offset : offsets) {
      if (std::find(seen.begin(), seen.end(), offset) != seen.end()) continue;
      seen.push_back(offset);
      read_noun(offset, [&](const Synset& s) {
        for (int i = 0; i < s.wcount; ++i)
          if (single_word(s.words[i]) && std::find(out.begin(), out.end(), s.words[i]) == out.end())
            out.emplace_back(s.words[i]);
        for (int i = 0; i < s.ptrcount; ++i)
          if (s.ptrtyp[i] == HYPERPTR && s.ppos[i] == NOUN) next.push_back(s.ptroff[i]);
      });
    }
    offsets = std::move(next);
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
