// The skills as the parser holds them, shared by its two stages (the template matcher
// in parser.cc, the classifier's training in statistical.cc). Internal to src/nlu.
#pragma once

#include "nlu/template.h"
#include "skills/skill.h"

#include <utility>
#include <vector>

namespace hark::nlu {

struct CompiledSlot {
  skills::SlotType kind;
  std::vector<std::pair<std::vector<int>, int>> phrases;  // closed list: words -> value index
};

struct CompiledSkill {
  const skills::Skill* skill;
  std::vector<CompiledSlot> slots;
};

struct Sentence {
  int skill;
  Sequence seq;
  std::vector<int> required;
  int min_tokens;
  bool free_slot = false;  // has a text or contact slot somewhere
};

}  // namespace hark::nlu
