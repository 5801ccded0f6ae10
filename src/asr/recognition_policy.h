// The two-pass recognition policy: which of an engine's hearings of one whole utterance
// stands as its words. The engine (pocketsphinx, or a fake in tests) only decodes; the
// policy decides, asking a HearingCheck (implemented over the intent parser by the app, so
// that hark_asr does not depend on hark_nlu).
//
// The skills' model alone hears their commands far better than the mixed model (the general
// model pulls "large" to "launch"), especially in noise, but forces any other speech into
// some command; free text (messages, names) needs the mixed model's open vocabulary. So:
//   1. with a command check: the mixed model first; its words stand when they make a command
//      (a built-in command the mix hears right, "call mom", must not be forced into another
//      one by the skills-only pass: a wrong action is worse than none);
//   2. the skills' model alone; its best words stand when the domain check accepts them,
//      else the first of up to `nbest` next best hypotheses it accepts (a stray word from
//      noise often breaks the best one where the runner-up is clean);
//   3. else the mixed model's words (decoded now unless step 1 already did).
#pragma once

#include "common/error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hark::asr {

// Judges hearings for the policy. Called on the decoding thread; must be thread-safe when
// shared by several decoders (the parser's is: it only reads).
class HearingCheck {
 public:
  virtual ~HearingCheck();
  // May the skills' model's words stand? (e.g. they parse to a command whose slots are all
  // closed-list or typed values: free text and names are left to the mixed model.)
  virtual bool accepts_domain(std::string_view words) const = 0;
  // Do the mixed model's words make a command (whatever its slots)? Only asked when
  // PolicyOptions::mixed_first.
  virtual bool is_command(std::string_view words) const = 0;
};

// What the policy needs of an engine: whole-utterance decodes with either model, and the
// next best hypotheses of the last skills-only decode.
class TwoPassEngine {
 public:
  virtual ~TwoPassEngine();
  // Decodes the whole utterance with the skills' model alone (empty when nothing was heard).
  virtual Result<std::string> decode_domain(std::span<const std::int16_t> utterance) = 0;
  // Offers the hypotheses of the last decode_domain, best first (the first may repeat its
  // words), until `visit` returns false or there are none left. REQUIRES: no other decode
  // since that decode_domain.
  virtual void visit_domain_nbest(const std::function<bool(std::string_view words)>& visit) = 0;
  // Decodes the whole utterance with the mixed model (domain + general).
  virtual Result<std::string> decode_mixed(std::span<const std::int16_t> utterance) = 0;
};

struct PolicyOptions {
  bool mixed_first = true;  // step 1 (asks HearingCheck::is_command)
  int nbest = 10;           // next best hypotheses tried in step 2 (0: none)
  // With mixed_first: a hearing of step 2 stands only when at least this share of its words
  // were also heard by the mixed model, in order (the longest common subsequence over the
  // step-2 hearing's length; 0: no check). A grammar forces any sound into some command, so
  // agreement between the two hearings is what tells a command heard in noise from noise
  // forced into one ("zero yards to kilometer" for a coffee order the mix heard as "throw
  // large double shot mocha").
  double min_agreement = 0;
};

// The share of `words`' words (as words_of reads them) that `other` also has, in order
// (longest common subsequence over the word count of `words`; 1 when `words` is empty).
double agreement(std::string_view words, std::string_view other);

// Which pass the words came from (for tests and the evaluation tool).
enum class Hearing { mixed_command, domain_best, domain_nbest, mixed };

struct Heard {
  std::string words;
  Hearing from = Hearing::mixed;
  std::string domain_words;  // the skills' model's best words ("" when that pass did not run)
};

class RecognitionPolicy {
 public:
  // REQUIRES: `check` outlives the policy.
  RecognitionPolicy(const HearingCheck& check, PolicyOptions options);
  // The words of one utterance by the steps above; an engine error ends the search.
  Result<Heard> recognize(TwoPassEngine& engine, std::span<const std::int16_t> utterance) const;

 private:
  std::optional<std::string> next_best_accepted(TwoPassEngine& engine, const std::string& best,
                                                const std::optional<std::string>& mixed) const;
  bool agrees(std::string_view words, const std::optional<std::string>& mixed) const;
  const HearingCheck& check_;
  PolicyOptions options_;
};

}  // namespace hark::asr
