// The usual DecoderOptions::domain_check: the skills' model's words stand when they parse
// to a command whose slots are all closed-list or typed values. Free text and contact names
// are left to the mixed model, whose open vocabulary can hear them. Header-only so that
// hark_asr does not depend on the intent parser; the caller links hark_nlu.
#pragma once

#include "nlu/parser.h"
#include "skills/registry.h"

#include <functional>
#include <string_view>

namespace hark::asr {

// A template match, not a classifier guess: those have confidence 0.5 at most.
inline constexpr double kDomainMinConfidence = 0.5;

// REQUIRES: `parser` and `registry` outlive the returned function (it holds references).
inline std::function<bool(std::string_view)> parser_domain_check(const nlu::Parser& parser,
                                                                 const skills::Registry& registry) {
  return [&parser, &registry](std::string_view words) {
    const nlu::ParseResult r = parser.parse(words, nlu::Context{});
    if (r.intent == "fallback" || r.confidence <= kDomainMinConfidence) return false;
    const skills::Skill* skill = registry.find(r.intent);
    if (!skill) return false;
    for (const auto& [name, slot] : r.slots) {
      const skills::SlotDef* def = skill->find_slot(name);
      if (!def || (def->values.empty() && (def->type == skills::SlotType::kClosed || def->type == skills::SlotType::kText || def->type == skills::SlotType::kContact)))
        return false;
    }
    return true;
  };
}

// The usual DecoderOptions::command_check: the words are a template match of any skill
// (whatever its slots), so the mixed model's hearing of them stands.
inline std::function<bool(std::string_view)> parser_command_check(const nlu::Parser& parser) {
  return [&parser](std::string_view words) {
    const nlu::ParseResult r = parser.parse(words, nlu::Context{});
    return r.intent != "fallback" && r.confidence > kDomainMinConfidence;
  };
}

}  // namespace hark::asr
