#include "app/hearing_check.h"

namespace hark::app {

bool ParserHearingCheck::accepts_domain(std::string_view words) const {
  const nlu::ParseResult r = parser_.parse(words, nlu::Context{});
  if (r.intent == "fallback" || r.confidence <= kDomainMinConfidence) return false;
  const skills::Skill* skill = registry_.find(r.intent);
  if (!skill) return false;
  for (const auto& [name, slot] : r.slots) {
    const skills::SlotDef* def = skill->find_slot(name);
    if (!def || (def->values.empty() && (def->type == skills::SlotType::kClosed || def->type == skills::SlotType::kText || def->type == skills::SlotType::kContact)))
      return false;
  }
  return true;
}

bool ParserHearingCheck::is_command(std::string_view words) const {
  const nlu::ParseResult r = parser_.parse(words, nlu::Context{});
  return r.intent != "fallback" && r.confidence > kDomainMinConfidence;
}

}  // namespace hark::app
