// Intent accuracy on a labelled JSONL file, one {"text", "expected": [skill names]} a line.
// Wired as `hark nlu eval FILE`; also built as the `nlu_eval` tool.
#pragma once

#include "common/error.h"
#include "nlu/parser.h"

#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace hark::nlu {

struct EvalReport {
  // Lines whose expected list is not just ["fallback"]: right when the intent is listed.
  int in_scope_total = 0;
  int in_scope_correct = 0;
  // Lines expecting only "fallback".
  int oos_total = 0;
  int oos_no_action = 0;  // the intent's skill has no action (or is fallback)
  int oos_fallback = 0;   // the intent is exactly "fallback"
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

// The report as people read it: the two figures, then the confusions.
void print_report(const EvalReport& report, std::ostream& out);

}  // namespace hark::nlu
