// Intent accuracy on a labelled JSONL file, one {"text", "expected": [skill names]} a line.
// Wired as `hark nlu eval FILE`.
//
// Honest measurement: a development file is split once, by a fixed rule, into a half that
// may be studied (its failures read, to learn what the parser misses) and a half that is
// only measured (its failures are never printed). The rule is half_of() below: the low bit
// of the 64-bit FNV-1a hash of the line's "text" bytes, 0 = studied, 1 = measured. When the
// two halves' figures differ by more than a few points, a change fitted the studied half.
#pragma once

#include "common/error.h"
#include "nlu/parser.h"

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hark::nlu {

enum class Half { kStudied, kMeasured };

// The half a line of development data belongs to, by its text (see above).
Half half_of(std::string_view text);

struct EvalReport {
  // Lines whose expected list is not just ["fallback"]: right when the intent is listed.
  int in_scope_total = 0;
  int in_scope_correct = 0;
  // Lines expecting only "fallback".
  int oos_total = 0;
  int oos_no_action = 0;     // the intent's skill has no action (or is fallback)
  int oos_fallback = 0;      // the intent is exactly "fallback"
  int oos_confirmation = 0;  // the intent's skill acts after a confirmation (call, message...)
  // Lines of any kind answered with an action skill they do not list, per skill.
  std::map<std::string, int> wrong_actions;
  // Of those, answered with a skill that needs confirmation.
  int wrong_confirmation = 0;
  // Lines answered with an ask-back (a question between skills), in and out of scope.
  int in_scope_ask_back = 0;
  int oos_ask_back = 0;
  // In-scope ask-backs whose choices include an expected skill (a question that leads
  // to the right answer in one more turn).
  int in_scope_ask_back_right = 0;
  // "expected -> got" with counts, most frequent first (at most 15).
  std::vector<std::pair<std::string, int>> confusions;

  double in_scope_accuracy() const;
  double oos_no_action_share() const;
  double oos_fallback_share() const;
};

// Parses every line of `file` with `parser` in `ctx`. An error for an unreadable file
// or a line that is not {"text": string, "expected": [string...]}. When `misses` is set,
// each wrong line is written there as "expected -> got: text".
Result<EvalReport> evaluate_file(const std::filesystem::path& file, const Parser& parser,
                                 const skills::Registry& registry, const Context& ctx,
                                 std::ostream* misses = nullptr);

struct SplitReport {
  EvalReport studied;
  EvalReport measured;
};

// The same for both halves at once. `studied_misses` gets the studied half's wrong lines
// only: the measured half's failures are never shown.
Result<SplitReport> evaluate_split(const std::filesystem::path& file, const Parser& parser,
                                   const skills::Registry& registry, const Context& ctx,
                                   std::ostream* studied_misses = nullptr);

// The report as people read it: the figures, the wrong actions per skill, the confusions.
void print_report(const EvalReport& report, std::ostream& out);
// Both halves side by side, then the studied half's confusions.
void print_split(const SplitReport& report, std::ostream& out);

}  // namespace hark::nlu
