// Guessed pronunciations: the shared LRU cache, the per-call cap, one guess per batch (counted
// through the Pronouncer's guesser seam), and the real espeak-ng on a batch of made-up names
// (its runs counted by a pass-through wrapper first in PATH).
#include "asr/pronouncer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace hark::asr {
namespace {

namespace fs = std::filesystem;

// A guesser that records each batch it is given and answers "P <word>" (or "" for words
// in `unsayable`).
struct CountingGuesser {
  std::vector<std::vector<std::string>> batches;
  std::set<std::string> unsayable;
  BatchGuesser fn() {
    return [this](const std::vector<std::string>& words) {
      batches.push_back(words);
      std::vector<std::string> out;
      for (auto& w : words) out.push_back(unsayable.count(w) ? "" : "P " + w);
      return out;
    };
  }
};

TEST(PronunciationCache, EvictsTheLeastRecentlyUsedBeyondItsBound) {
  PronunciationCache cache(3);
  cache.put("anna", "AE N AH");
  cache.put("bela", "B EH L AH");
  cache.put("csaba", "CH AA B AA");
  ASSERT_TRUE(cache.find("anna"));  // now the most recent: bela is the least
  cache.put("dora", "D AO R AH");
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find("bela"));
  EXPECT_EQ(cache.find("anna"), "AE N AH");
  EXPECT_EQ(cache.find("csaba"), "CH AA B AA");
  EXPECT_EQ(cache.find("dora"), "D AO R AH");
  for (int i = 0; i < 100; ++i) cache.put("w" + std::to_string(i), "W");
  EXPECT_EQ(cache.size(), 3u);  // never more than its bound
  EXPECT_TRUE(cache.find("w99"));
  EXPECT_FALSE(cache.find("w96"));
}

TEST(Pronouncer, ACachedWordCostsNoGuess) {
  CountingGuesser g;
  Pronouncer p(DictionaryWords{}, PronouncerOptions{.cache_entries = 2, .max_guesses = 100}, g.fn());
  auto first = p.pronounce({"Zoltan Kovacs"});
  ASSERT_EQ(g.batches.size(), 1u);
  EXPECT_EQ(g.batches[0], (std::vector<std::string>{"zoltan", "kovacs"}));
  EXPECT_EQ(first, (Pronunciations{{"zoltan", "P zoltan"}, {"kovacs", "P kovacs"}}));
  // Another session with the same names: answered from the cache.
  EXPECT_EQ(p.pronounce({"zoltan", "Kovacs"}), first);
  EXPECT_EQ(g.batches.size(), 1u);
  // A third name evicts the least recently used one (zoltan), which is then guessed again.
  p.pronounce({"Kovacs", "Ildiko"});
  ASSERT_EQ(g.batches.size(), 2u);
  EXPECT_EQ(g.batches[1], (std::vector<std::string>{"ildiko"}));
  EXPECT_EQ(p.cache().size(), 2u);
  p.pronounce({"Zoltan"});
  ASSERT_EQ(g.batches.size(), 3u);
  EXPECT_EQ(g.batches[2], (std::vector<std::string>{"zoltan"}));
}

TEST(Pronouncer, ABatchOfWordsCostsOneGuess) {
  CountingGuesser g;
  Pronouncer p(DictionaryWords{}, {}, g.fn());
  std::vector<std::string> names;
  for (int i = 0; i < 600; ++i) names.push_back("Name" + std::to_string(i) + " Name" + std::to_string(i));
  const auto got = p.pronounce(names);
  ASSERT_EQ(g.batches.size(), 1u);
  EXPECT_EQ(g.batches[0].size(), 600u);  // each word once, though named twice
  EXPECT_EQ(got.size(), 600u);
  EXPECT_EQ(got.at("name599"), "P name599");
}

TEST(Pronouncer, DictionaryWordsAreNeverGuessed) {
  const fs::path dict = fs::temp_directory_path() / ("hark_pron_dict_" + std::to_string(::getpid()));
  std::ofstream(dict) << "mom M AA M\nmom(2) M AH M\ncall K AO L\n";
  const auto words = DictionaryWords::read(dict);
  fs::remove(dict);
  EXPECT_EQ(words.size(), 2u);
  EXPECT_TRUE(words.contains("mom"));
  EXPECT_FALSE(words.contains("zoltan"));
  CountingGuesser g;
  Pronouncer p(words, {}, g.fn());
  EXPECT_EQ(p.pronounce({"Mom", "call Zoltan"}), (Pronunciations{{"zoltan", "P zoltan"}}));
  ASSERT_EQ(g.batches.size(), 1u);
  EXPECT_EQ(g.batches[0], (std::vector<std::string>{"zoltan"}));
  // Nothing the dictionary lacks: no guess at all.
  EXPECT_TRUE(p.pronounce({"mom", "call"}).empty());
  EXPECT_EQ(g.batches.size(), 1u);
}

// Beyond max_guesses a call leaves the rest out; they are not cached, so the next call
// guesses them (the first ones come from the cache).
TEST(Pronouncer, GuessesPerCallAreCapped) {
  CountingGuesser g;
  Pronouncer p(DictionaryWords{}, PronouncerOptions{.cache_entries = 100, .max_guesses = 3}, g.fn());
  const std::vector<std::string> names = {"aa", "bb", "cc", "dd", "ee"};
  EXPECT_EQ(p.pronounce(names).size(), 3u);
  ASSERT_EQ(g.batches.size(), 1u);
  EXPECT_EQ(g.batches[0], (std::vector<std::string>{"aa", "bb", "cc"}));
  EXPECT_EQ(p.pronounce(names).size(), 5u);
  ASSERT_EQ(g.batches.size(), 2u);
  EXPECT_EQ(g.batches[1], (std::vector<std::string>{"dd", "ee"}));
}

// A word without a guess is left out and not cached (the run may have failed).
TEST(Pronouncer, AWordWithoutAGuessIsTriedAgain) {
  CountingGuesser g;
  g.unsayable = {"qqq"};
  Pronouncer p(DictionaryWords{}, {}, g.fn());
  EXPECT_EQ(p.pronounce({"qqq zoltan"}), (Pronunciations{{"zoltan", "P zoltan"}}));
  p.pronounce({"qqq zoltan"});
  ASSERT_EQ(g.batches.size(), 2u);
  EXPECT_EQ(g.batches[1], (std::vector<std::string>{"qqq"}));
}

// The phones the model's dictionary uses: the phone set of the acoustic model.
std::set<std::string> model_phones() {
  std::set<std::string> phones;
  std::ifstream in("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict");
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::string word, phone;
    s >> word;
    while (s >> phone) phones.insert(phone);
  }
  return phones;
}

// Puts a pass-through espeak-ng first in PATH that counts its runs in a file (the real
// espeak-ng still does the work). Each gtest runs in a process of its own (ctest).
class EspeakRuns {
 public:
  EspeakRuns() {
    dir_ = fs::temp_directory_path() / ("hark_pron_bin_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const std::string real = find_real();
    {
      std::ofstream script(dir_ / "espeak-ng");
      script << "#!/bin/sh\necho run >> '" << (dir_ / "runs").string() << "'\nexec '" << real << "' \"$@\"\n";
    }
    ::chmod((dir_ / "espeak-ng").c_str(), 0755);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
    found_ = !real.empty();
  }
  ~EspeakRuns() {
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  bool found() const { return found_; }
  int count() const {
    std::ifstream in(dir_ / "runs");
    int n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
  }

 private:
  static std::string find_real() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string d; std::getline(dirs, d, ':');)
      if (!d.empty() && ::access((fs::path(d) / "espeak-ng").c_str(), X_OK) == 0) return (fs::path(d) / "espeak-ng").string();
    return {};
  }
  fs::path dir_;
  std::string old_path_;
  bool found_ = false;
};

// The real espeak-ng: a batch of made-up names (and abbreviations, which a bare line break
// would run into the next word) costs one run, and each word gets its own phones, all of
// them phones of the model.
TEST(Pronunciation, OneEspeakRunGuessesABatchOfMadeUpNames) {
  const auto phone_set = model_phones();
  ASSERT_GT(phone_set.size(), 30u) << "the pocketsphinx en-us dictionary is missing";
  EspeakRuns runs;
  ASSERT_TRUE(runs.found()) << "espeak-ng is not installed";
  const std::vector<std::string> words = {"zoltanek", "brimquavel", "dr", "xandrufey", "st",
                                          "thuwenlox", "korvashi", "plimdrunko"};
  const auto guessed = guess_pronunciations(words);
  EXPECT_EQ(runs.count(), 1);
  ASSERT_EQ(guessed.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_FALSE(guessed[i].empty()) << words[i];
    std::istringstream s(guessed[i]);
    for (std::string phone; s >> phone;) EXPECT_TRUE(phone_set.count(phone)) << words[i] << ": " << phone;
  }
  // Line for line: each abbreviation is its own word, not merged with the next.
  EXPECT_EQ(guessed[2], "D AA K T ER");
  EXPECT_EQ(guessed[4], "S AH N T");
  EXPECT_EQ(guessed[0].rfind("Z OW L T", 0), 0u) << guessed[0];
  // Through a Pronouncer: a second session with the same names runs nothing.
  Pronouncer p(DictionaryWords{});
  const auto first = p.pronounce(words);
  EXPECT_EQ(runs.count(), 2);
  EXPECT_EQ(first.size(), words.size());
  EXPECT_EQ(p.pronounce(words), first);
  EXPECT_EQ(runs.count(), 2);
}

}  // namespace
}  // namespace hark::asr

namespace hark::asr {
namespace {

TEST(DictionaryHeadword, IsTheWordOfAnEntryAndOfItsVariants) {
  EXPECT_EQ(dictionary_headword("latte L AA T EY"), "latte");
  EXPECT_EQ(dictionary_headword("latte(2) L AE T EY"), "latte");
  EXPECT_EQ(dictionary_headword("latte\tL AA T EY"), "latte");
  EXPECT_EQ(dictionary_headword("latte"), "");
  EXPECT_EQ(dictionary_headword(""), "");
}

}  // namespace
}  // namespace hark::asr
