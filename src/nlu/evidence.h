// What an action chosen by the statistical stage needs besides a probable class: the
// request must name a value of each closed-list slot the skill's sentences all have
// ("turn it on" names no setting). Template matches are not asked. Internal to src/nlu.
#pragma once

#include "nlu/parser.h"

#include <map>
#include <string>

namespace hark::nlu {

// True when `slots` has a value for every closed-list slot `skill` requires (the loader
// marks a slot required when every sentence of the skill has it).
bool names_required_values(const skills::Skill& skill, const std::map<std::string, Slot>& slots);

}  // namespace hark::nlu
