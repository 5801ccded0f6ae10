// The skills as the parser holds them, shared by its two stages (the template matcher
// in parser.cc, the classifier's training in statistical.cc). Internal to src/nlu.
#pragma once

#include "nlu/template.h"
#include "skills/skill.h"

#include <utility>
#include <vector>

namespace hark::nlu {

enum class SlotKind { kText, kContact, kNumber, kTime, kDate, kDateTime, kDuration, kClosed };

inline SlotKind kind_of(const skills::SlotDef& d) {
  if (d.type.empty()) return SlotKind::kClosed;
  if (d.type == "contact") return SlotKind::kContact;
  if (d.type == "number") return SlotKind::kNumber;
  if (d.type == "time") return SlotKind::kTime;
  if (d.type == "date") return SlotKind::kDate;
  if (d.type == "datetime") return SlotKind::kDateTime;
  if (d.type == "duration") return SlotKind::kDuration;
  return SlotKind::kText;
}

struct CompiledSlot {
  SlotKind kind;
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
