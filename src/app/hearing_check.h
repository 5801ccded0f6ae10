// The server's asr::HearingCheck, over the intent parser (asr may not link nlu, so it lives
// here): the skills' model's words stand when they parse to a command whose slots are all
// closed-list or typed values; free text and contact names are left to the mixed model,
// whose open vocabulary can hear them. The mixed model's words stand first when they make
// any command (a template match).
#pragma once

#include "asr/recognition_policy.h"
#include "nlu/parser.h"
#include "skills/registry.h"

namespace hark::app {

// A template match, not a classifier guess: those have confidence 0.5 at most.
inline constexpr double kDomainMinConfidence = 0.5;

class ParserHearingCheck final : public asr::HearingCheck {
 public:
  // REQUIRES: `parser` and `registry` outlive the check (it holds references).
  ParserHearingCheck(const nlu::Parser& parser, const skills::Registry& registry)
      : parser_(parser), registry_(registry) {}
  bool accepts_domain(std::string_view words) const override;
  bool is_command(std::string_view words) const override;

 private:
  const nlu::Parser& parser_;
  const skills::Registry& registry_;
};

}  // namespace hark::app
