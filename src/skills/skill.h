// The parsed form of one skill file (format: docs/skills.md, SKILLS.md of the design).
#pragma once

#include "skills/grammar.h"
#include "skills/slot_type.h"

#include <map>
#include <string>
#include <vector>

namespace hark::skills {

// One entry of a closed list: any of `in` said means `out`.
struct SlotValue {
  std::vector<std::string> in;  // phrases, lower case, single spaces
  std::string out;              // the value put in action.params
};

struct SlotDef {
  std::string name;
  // A built-in type, or kClosed when the slot is a closed list of `values`.
  SlotType type = SlotType::kClosed;
  std::vector<SlotValue> values;
  bool required = true;
  // For type kDuration: the unit of the value, "seconds" (default) or "minutes".
  std::string unit = "seconds";
};

struct Skill {
  std::string name;         // intent name, unique, snake_case
  std::string description;
  std::string action;       // action.name sent to the app; empty for backend-answered skills
  bool needs_confirmation = false;
  std::vector<SlotDef> slots;
  std::map<std::string, std::string> rules;  // name -> template, used as <name>
  std::vector<std::string> sentences;        // templates
  // The tree of each sentence, filled by the loader (parse_skill); empty for a Skill built
  // by hand (sentence_grammar() reads it then).
  std::vector<Phrase> grammar;
  std::vector<std::string> responses;        // alternatives; {slot} is replaced by its value
  // Said instead of `responses` when a follow-up ("make it 7:30") changes the action just
  // given; alternatives as in `responses`. Empty: `responses`.
  std::vector<std::string> changed;
  // How an ask-back offers the skill, with the request's values: "call {target}" reads
  // "Do you want to call Anna, or ...?". Alternatives as in `responses`; the first whose
  // {slots} all have values is used, the description when none has.
  std::vector<std::string> offer;
  std::map<std::string, std::string> ask;    // slot -> question when it is missing
  std::vector<std::string> examples;         // plain example requests (for GET /skills)
  // More plain requests of the skill, in many phrasings, that only the parser's statistical
  // stage learns from (not listed by GET /skills).
  std::vector<std::string> training;
  std::string source;                        // "builtin:call.yaml" or a file path
  bool builtin = false;                      // shipped with hark (Registry::load_builtin)

  const SlotDef* find_slot(const std::string& slot_name) const {
    for (const auto& s : slots)
      if (s.name == slot_name) return &s;
    return nullptr;
  }
};

}  // namespace hark::skills
