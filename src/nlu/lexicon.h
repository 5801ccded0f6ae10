// Lexical knowledge from Debian's packages instead of word lists written by hand: the
// Snowball English stemmer (libstemmer) and WordNet's synonyms (libwordnet). Internal to
// src/nlu: the statistical stage reads words through it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hark::nlu::lexicon {

// The Snowball ("english", Porter 2) stem of a lower-case word: "reminders" -> "remind",
// "calling" -> "call". Thread-safe.
std::string stem(std::string_view word);

// Single-word synonyms of `word` (lower case) in its `senses` most common senses as a noun
// and as a verb, in WordNet's order, without `word` itself. Empty when WordNet's files are
// not installed. Thread-safe (calls are serialised); about 0.1 ms a call, so for start-up.
std::vector<std::string> synonyms(const std::string& word, int senses);

// The single-word lemmas of the WordNet noun senses of `word` (read in its base form:
// "flights" as "flight"), its `senses` most common, and of their hypernyms up to `depth`
// levels up ("burrito" -> "dish" -> "nutriment"). Empty for a word WordNet has no noun
// for, has more senses for as another part of speech ("add"), or knows as a name in some
// sense ("john", "austin"): such a word need not name a thing. Thread-safe (serialised);
// a few file reads a call, so callers keep the answers.
std::vector<std::string> noun_ancestors(const std::string& word, int senses, int depth);

// A text naming the WordNet data read (for cache keys); empty when there is none.
const std::string& wordnet_version();

}  // namespace hark::nlu::lexicon
