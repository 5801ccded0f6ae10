// Internal to src/dialog: what one connection remembers of its last request, and the
// follow-ups that use it. A follow-up is read as a change to the last request, never as a
// request of its own: a fragment ("and eggs", "make it 7:30", "and tomorrow?") replaces or
// adds one slot of the last skill; a pronoun ("call her") names the last contact; "no, the
// other one" picks the other contact the same words could name. The ask-back (a parse
// with `choices`) is asked and resolved here too.
//
// The memory is part of the connection's DialogState, so it never crosses users. Every
// result goes back through the normal completion of a skill, so a follow-up that leads
// to a skill that needs confirmation still asks for it.
#pragma once

#include "dialog/speech.h"
#include "nlu/parser.h"
#include "skills/registry.h"
#include "store/store.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::dialog::internal {

using Slots = std::map<std::string, nlu::Slot>;

// The last request completed (answered or acted on) with its slots.
struct Recent {
  std::string skill;
  Slots slots;
  // The contact words of it named, and the other contacts they could have named (best
  // first): what "no, the other one" picks from.
  std::string contact_slot;
  std::vector<std::string> other_contacts;
  // What it left behind, for a follow-up that changes it ("make it 6 pm"): the id of the
  // action given ("" for none, or while it waits for "yes"), and the reminder stored
  // (store::Reminder::id, 0 for none). The change updates these instead of adding more.
  std::string action_id;
  std::int64_t reminder_id = 0;
  friend bool operator==(const Recent&, const Recent&) = default;
};

// An ask-back waiting for its answer: the skills asked between and what was found.
struct Choice {
  std::vector<std::string> skills;
  Slots slots;
  friend bool operator==(const Choice&, const Choice&) = default;
};

// Contact slots of `skill` in `slots`: a pronoun becomes `last_contact` (when there is
// one); words that name no stored contact exactly but one by its first name or a name
// close to it ("Ana" for "Anna Smith") become the best such contact. The other candidates
// of the first contact slot are appended to `others`.
void resolve_contacts(const skills::Skill& skill, std::string_view text, Slots& slots,
                      const std::string& last_contact, const std::vector<store::Contact>& contacts,
                      std::vector<std::string>& others);

// The value of a contact slot named in `recent`, or "".
std::string contact_of(const Recent& recent);

// What follow-ups change after `skill` completed with `slots`; nullopt for a skill
// without slots ("what time is it" leaves the memory as it was).
std::optional<Recent> recent_of(const skills::Skill& skill, const Slots& slots, std::vector<std::string> others);

// The slots `said` in the answer to an ask-back merged into those found before (`into`):
// a pronoun ("message her") keeps the contact of the question, which becomes
// `last_contact`; any other value said wins.
void merge_said(const skills::Skill& skill, const Slots& said, Slots& into, std::string& last_contact);

// "no, the other one" (or "the other Anna"): the last request's slots with the next
// candidate contact, and `recent` updated so that saying it again goes back. nullopt
// when the words are not that or there is no other candidate.
std::optional<Slots> other_contact(std::string_view text, Recent& recent);

// A fragment merged into the last request's slots. `changes`: it corrects the request
// ("make it 7:30", "actually at 6", a bare "7:30") rather than adding to it ("and eggs",
// "and tomorrow?"), so what the request set is changed, not set a second time.
struct Fragment {
  Slots slots;
  bool changes = false;
};

// The last request's slots with `text` merged in as a fragment, or nullopt when `text`
// (parsed as `parsed`) is not a fragment of it. A bare value is taken only for a typed
// slot; free words ("and eggs") only after "and", "also" or "plus".
std::optional<Fragment> merge_fragment(const nlu::Parser& parser, const skills::Skill& skill,
                                    const Recent& recent, std::string_view text,
                                    const nlu::ParseResult& parsed, const nlu::Context& ctx);

// "change my reminder to 6 pm", "move my alarm to 7:30": the last request's skill said
// again (as `parsed`) after a verb of change, with a value. The last request's slots with
// the values said now, as a change; nullopt for anything else ("set an alarm for 8" is a
// new alarm).
std::optional<Fragment> restated_change(const Recent& recent, std::string_view text, const nlu::ParseResult& parsed);

// The question of an ask-back. Each skill is offered by its `offer:` filled with the
// values found (`slots`, those of the first skill; a later skill uses those it has a slot
// of the same name and type for), or by its description when no offer can be filled:
// "Do you want to call Anna, or send Anna a message?", "Do you want to place a phone
// call, or send a text message?".
std::string choice_question(const skills::Registry& registry, const std::vector<std::string>& skills,
                            const Slots& slots, const LocalTime& today);

// The answer to an ask-back: the index of the skill chosen, kDeclined, or kUnresolved
// (the words are something else; the ask-back is dropped).
inline constexpr int kDeclined = -1;
inline constexpr int kUnresolved = -2;
int resolve_choice(const skills::Registry& registry, const Choice& choice, std::string_view text,
                   const nlu::ParseResult& parsed);

}  // namespace hark::dialog::internal
