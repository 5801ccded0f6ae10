#include "nlu/evidence.h"

namespace hark::nlu {

bool names_required_values(const skills::Skill& skill, const std::map<std::string, Slot>& slots) {
  for (const auto& def : skill.slots)
    if (def.type == skills::SlotType::kClosed && def.required && !slots.count(def.name)) return false;
  return true;
}

}  // namespace hark::nlu
