// The recognizer's language model, compiled from the loaded skills (the way Rhasspy does it):
// every sentence template is expanded into word sequences (slot values for closed lists,
// sample fillers for typed slots), a Witten-Bell backoff trigram is estimated from them and
// written as ARPA; at decode time it is interpolated with the general English model so that
// free text (message bodies, search queries) still comes through.
#pragma once

#include "asr/pronouncer.h"
#include "asr/recognizer.h"
#include "skills/registry.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hark::asr {

struct ModelOptions {
  // The pocketsphinx en-us model of Debian's pocketsphinx-en-us package.
  std::filesystem::path model_dir = "/usr/share/pocketsphinx/model/en-us";
  // Built models go to cache_dir/<content hash>/; a model whose inputs did not change is
  // reused as is, so start-up stays fast.
  std::filesystem::path cache_dir = "data/asr";
  double domain_weight = 0.8;  // share of the skills' model in the interpolation
  bool use_general_lm = true;  // false: the skills' model alone (closed vocabulary)
  int samples_per_sentence = 300;  // word sequences drawn from each sentence template
  std::vector<std::string> extra_words;  // e.g. contact names known at start-up
  // Which skills the grammar of the grammar search holds (skills_grammar): the built-in
  // ones too, or only those loaded from skill files (an app's own domain, e.g. coffee
  // orders; the built-in commands are left to the n-gram).
  bool grammar_of_builtin_skills = false;
};

// Builds (or finds in the cache) the model of `registry`'s skills. Errors: unavailable when
// the pocketsphinx model files are missing, internal when the cache cannot be written.
Result<ModelFiles> build_model(const skills::Registry& registry, const ModelOptions& options);

// --- the pieces, exposed for tests and tools ---

// Word sequences of a skill's sentences, each template drawn samples_per_sentence times
// (all of them, repeated evenly, when it has fewer expansions), deterministic. Uses the
// trees the loader stored on the skill; throws skills::LoadError for a template of a skill
// built by hand that cannot be read (none is skipped).
std::vector<std::vector<std::string>> expand_skill(const skills::Skill& skill,
                                                   const std::map<std::string, std::string>& shared_rules,
                                                   int samples_per_sentence);

// The class of a user's contact names in the skills' model: a contact slot expands to it
// (besides a few common names), and the recognizer fills it with the names of the user on
// the line, so "call <name>" gets the probability of "call <a contact>".
inline constexpr const char* kContactClass = "[contact]";

// The skills' commands as one stochastic finite-state grammar (sphinxbase's FSG text), for a
// grammar search: every template whose slots are all closed lists or typed values (numbers,
// times, dates, durations, spelled as the parser reads them), with every alternative and
// value; templates with free text or contact slots are left to the n-gram. Each choice
// shares its probability evenly among its alternatives (leaving out an optional part is
// one), a slot among its phrases, the grammar among its sentences. Built-in skills only
// with `builtin`. "" when no template qualifies.
std::string skills_grammar(const skills::Registry& registry, bool builtin = true);

// The words of a grammar written by skills_grammar.
std::set<std::string> grammar_words(std::string_view fsg);

// A grammar of skills_grammar as sphinxbase compiles it for the grammar search: which word
// sequences it holds (for tests and tools; the decoder reads the grammar file itself).
class GrammarAcceptor {
 public:
  // Errors: bad_request when sphinxbase cannot read `fsg`.
  static Result<GrammarAcceptor> read(std::string_view fsg);
  bool accepts(const std::vector<std::string>& words) const;
  // The natural log probability of the likeliest path that says `words`; none when the
  // grammar does not hold them.
  std::optional<double> log_probability(const std::vector<std::string>& words) const;

 private:
  struct Model;
  std::shared_ptr<const Model> model_;
};

// Lower-case words of a phrase, punctuation removed (apostrophes kept).
std::vector<std::string> words_of(std::string_view text);

// A Witten-Bell backoff trigram of `sentences`, as ARPA text.
std::string estimate_arpa(const std::vector<std::vector<std::string>>& sentences);

// guess_pronunciations and ipa_to_cmu: asr/pronouncer.h.

// 64-bit FNV-1a, the cache key of a model's inputs (not for security).
std::uint64_t content_hash(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace hark::asr
