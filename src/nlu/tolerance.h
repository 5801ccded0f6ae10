// Which skills the matcher's loose pass (stray words skipped) may answer.
#pragma once

#include "skills/skill.h"

namespace hark::nlu {

// Skills without an action always may: a stray word costs at most an exact answer.
// A user skill's action may too when it needs no confirmation: its sentences are usually
// spoken (a recognizer leaves a stray word at the edges or between slots far more often than
// people type one) and its closed-list slots keep what is captured exact. Built-in actions
// (calls, messages, alarms) stay strict.
inline bool loose_match_allowed(const skills::Skill& skill) {
  if (skill.action.empty()) return true;
  return !skill.builtin && !skill.needs_confirmation;
}

}  // namespace hark::nlu
