// A skill's `response` templates filled with the values of one request.
#pragma once

#include "dialog/speech.h"
#include "nlu/parser.h"
#include "skills/skill.h"

#include <map>
#include <optional>
#include <string>

namespace hark::dialog {

// A slot value as said aloud, by the slot's type: "07:30" -> "7:30 AM", 600 seconds ->
// "10 minutes", "2026-11-26" -> "tomorrow", "do_not_disturb" -> "do not disturb".
std::string say_slot_value(const skills::SlotDef* def, const nlu::SlotValue& value, const LocalTime& today);

// The first alternative of skill.responses whose {slots} all have values; when none
// has, the first alternative with each missing {slot} dropped together with the
// little word before it ("for", "at", "to"...). "OK." when the skill has no response.
std::string fill_response(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                          const LocalTime& today);

// The same from skill.changed, the answer to a follow-up that changed the action just
// given ("OK, I moved the alarm to 7:30 AM."); skill.responses when it has none.
std::string fill_changed(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                         const LocalTime& today);

// The first alternative of skill.offer whose {slots} all have values, filled, as it goes
// inside a question ("call Anna": not capitalized, no end punctuation); nullopt when
// none has (the ask-back then offers the skill by its description).
std::optional<std::string> fill_offer(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                                      const LocalTime& today);

}  // namespace hark::dialog
