#include "dialog/turn.h"

#include "dialog/answers.h"
#include "dialog/speech.h"
#include "dialog/templates.h"

#include <algorithm>

namespace hark::dialog::internal {

namespace {

// A parse at least this sure, of a skill with a value that is more than free words, is a
// new command even while a question is open ("set a timer for ten minutes" in answer to
// "What should the message say?"). Below it, the words are taken as the answer.
constexpr double kNewCommandConfidence = 0.75;
// Answers that fill nothing before an open question is given up.
constexpr int kQuestionRetries = 1;

bool is_dismissal(const std::string& intent) { return intent == "deny" || intent == "cancel"; }

bool has_value(const std::map<std::string, nlu::Slot>& slots, const std::string& name) {
  auto it = slots.find(name);
  return it != slots.end() && nlu::has_value(it->second.value);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string question_for(const skills::Skill& skill, const std::string& slot) {
  auto it = skill.ask.find(slot);
  if (it != skill.ask.end()) return it->second;
  std::string words = slot;
  std::replace(words.begin(), words.end(), '_', ' ');
  return "What " + words + "?";
}

class Turn {
 public:
  Turn(const Deps& deps, const Options& options, DialogState& state, std::int64_t user_id,
       const std::string& timezone, const Loaded& loaded)
      : deps_(deps), options_(options), st_(state), user_id_(user_id), timezone_(timezone), loaded_(loaded) {}

  Result<Answer> utterance(std::string_view text, const nlu::ParseResult& p) {
    text_ = text;
    if (p.intent == "repeat") return repeat();
    if (auto followed = follow_up(p)) return std::move(*followed);
    if (st_.pending) {
      Answer pending = std::move(*st_.pending);
      st_.pending.reset();
      if (p.intent == "confirm") return confirmed(std::move(pending));
      if (is_dismissal(p.intent)) return Answer{kCancelled, std::nullopt, p.intent};
    }
    if (st_.question) {
      auto q = std::move(*st_.question);
      st_.question.reset();
      if (is_dismissal(p.intent)) return Answer{kCancelled, std::nullopt, p.intent};
      const skills::Skill* skill = deps_.skills.find(q.skill);
      const skills::SlotDef* def = skill ? skill->find_slot(q.slot) : nullptr;
      if (skill && p.intent == skill->name && has_value(p.slots, q.slot)) {
        // The whole request said again ("text Joe that I'm late"): its values win.
        for (auto& [name, slot] : p.slots) q.slots[name] = slot;
        return complete(*skill, std::move(q.slots));
      }
      if (def && !is_new_command(p)) {
        if (auto value = deps_.parser.parse_slot(*def, text, loaded_.context)) {
          q.slots[q.slot] = std::move(*value);
          return complete(*skill, std::move(q.slots));
        }
        if (p.intent == "fallback" && q.retries < kQuestionRetries) {
          ++q.retries;
          std::string again = "Sorry, I didn't catch that. " + question_for(*skill, q.slot);
          st_.question = std::move(q);
          return Answer{again, std::nullopt, skill->name, true};
        }
      }
    }
    return fresh(p);
  }

 private:
  Result<Answer> repeat() {
    if (!st_.last) return Answer{"I haven't said anything yet.", std::nullopt, "repeat"};
    Answer again = *st_.last;
    again.intent = "repeat";
    return again;
  }

  // The conversation's memory (dialog/followup.h): the answer to an ask-back, "no, the
  // other one", or a fragment of the last request. nullopt: none of these.
  std::optional<Result<Answer>> follow_up(const nlu::ParseResult& p) {
    if (st_.choice) {
      Choice c = std::move(*st_.choice);
      st_.choice.reset();
      int i = resolve_choice(deps_.skills, c, text_, p);
      if (i == kDeclined) return Answer{"OK.", std::nullopt, "deny"};
      const skills::Skill* chosen = i >= 0 ? deps_.skills.find(c.skills[static_cast<std::size_t>(i)]) : nullptr;
      if (chosen) {
        if (p.intent == chosen->name) merge_said(*chosen, p.slots, c.slots, st_.last_contact);
        return complete(*chosen, std::move(c.slots));
      }
    }
    if (!st_.recent) return std::nullopt;
    const skills::Skill* skill = deps_.skills.find(st_.recent->skill);
    if (!skill) return std::nullopt;
    if (auto slots = other_contact(text_, *st_.recent)) {
      st_.pending.reset();
      std::vector<std::string> others = st_.recent->other_contacts;
      return complete(*skill, std::move(*slots), &others);
    }
    if (st_.question) return std::nullopt;  // an open question takes the words as its answer
    auto fragment = restated_change(*st_.recent, text_, p);
    if (!fragment) fragment = merge_fragment(deps_.parser, *skill, *st_.recent, text_, p, loaded_.context);
    if (fragment) {
      std::optional<Change> change;
      if (fragment->changes) {
        change = Change{st_.recent->action_id, st_.recent->reminder_id};
        // An action still waiting for "yes" was never done: there is nothing to replace.
        if (st_.pending && st_.pending->action && st_.pending->action->id == change->action_id)
          change->action_id.clear();
      }
      st_.pending.reset();  // the changed request replaces the one waiting for "yes"
      return complete(*skill, std::move(fragment->slots), nullptr, change ? &*change : nullptr);
    }
    return std::nullopt;
  }

  // What a follow-up that corrects the last request changes (Recent's action_id and
  // reminder_id).
  struct Change {
    std::string action_id;
    std::int64_t reminder_id = 0;
  };

  // The request just completed, for follow-ups; nullptr when the skill leaves the memory
  // as it was.
  Recent* remember(const skills::Skill& skill, const Slots& slots, std::vector<std::string> others) {
    auto r = recent_of(skill, slots, std::move(others));
    if (!r) return nullptr;
    if (!r->contact_slot.empty()) st_.last_contact = contact_of(*r);
    st_.recent = std::move(*r);
    return &*st_.recent;
  }

  bool is_new_command(const nlu::ParseResult& p) const {
    if (p.intent == "fallback" || p.intent == "confirm" || p.confidence < kNewCommandConfidence) return false;
    const skills::Skill* skill = deps_.skills.find(p.intent);
    if (!skill) return false;
    if (skill->slots.empty()) return true;
    for (const auto& [name, slot] : p.slots) {
      const skills::SlotDef* def = skill->find_slot(name);
      if (def && def->type != skills::SlotType::kText && def->type != skills::SlotType::kContact) return true;
    }
    return false;
  }

  Result<Answer> fresh(const nlu::ParseResult& p) {
    const skills::Skill* skill = deps_.skills.find(p.intent);
    if (auto asked = ask_back(p)) return std::move(*asked);
    if (p.intent == "fallback" || !skill) return Answer{options_.fallback_message, std::nullopt, "fallback"};
    if (p.intent == "confirm") return Answer{"There's nothing to confirm.", std::nullopt, p.intent};
    if (is_dismissal(p.intent)) return Answer{"OK.", std::nullopt, p.intent};
    return complete(*skill, p.slots);
  }

  // An ask-back (nlu::ParseResult::choices): which of the skills was meant.
  std::optional<Answer> ask_back(const nlu::ParseResult& p) {
    if (p.intent != "fallback" || p.choices.empty()) return std::nullopt;
    // The question names what was found as the answer would use it: "Anna" as the stored
    // "Anna Smith", "her" as the last contact (or not at all when there is none).
    Slots named = p.slots;
    if (const skills::Skill* first = deps_.skills.find(p.choices.front())) {
      std::vector<std::string> unused;
      resolve_contacts(*first, text_, named, st_.last_contact, loaded_.contacts, unused);
    }
    LocalTime today = local_time(loaded_.context.now, timezone_).value_or(LocalTime{});
    std::string q = choice_question(deps_.skills, p.choices, named, today);
    if (q.empty()) return std::nullopt;
    st_.choice = Choice{p.choices, p.slots};
    return Answer{q, std::nullopt, "fallback", true};
  }

  // Asks for the next missing required slot, or answers / builds the action.
  // `kept`: the other contacts to remember instead of those found now ("the other one").
  // `change`: the request corrects the last one, whose action and reminder it replaces.
  Result<Answer> complete(const skills::Skill& skill, std::map<std::string, nlu::Slot> slots,
                          const std::vector<std::string>* kept = nullptr, const Change* change = nullptr) {
    std::vector<std::string> others;
    resolve_contacts(skill, text_, slots, st_.last_contact, loaded_.contacts, others);
    for (const auto& def : skill.slots) {
      // A slot the skill has a question for is one it needs, even when the loader made it
      // optional because some sentence leaves it out ("send a text to Joe").
      bool needed = def.required || skill.ask.count(def.name) > 0;
      if (needed && !has_value(slots, def.name)) {
        std::string q = question_for(skill, def.name);
        st_.question = DialogState::Question{skill.name, std::move(slots), def.name, 0};
        return Answer{q, std::nullopt, skill.name, true};
      }
    }
    Recent* recent = remember(skill, slots, kept ? *kept : std::move(others));
    LocalTime today = local_time(loaded_.context.now, timezone_).value_or(LocalTime{});
    if (skill.action.empty()) {
      AnswerContext ctx{user_id_, &deps_.store, &deps_.skills, &deps_.random, loaded_.context.now, timezone_,
                        std::string(text_)};
      auto said = answer(skill.name, slots, ctx);
      if (!said) return said.error();
      return Answer{said->value_or(fill_response(skill, slots, today)), std::nullopt, skill.name};
    }
    return act(skill, slots, today, change, recent);
  }

  // The action of a completed request. A `change` names the action it replaces and
  // updates the reminder the last request stored instead of storing another; `recent`
  // (the memory of this request) keeps what this one left behind for the next change.
  Result<Answer> act(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                     const LocalTime& today, const Change* change, Recent* recent) {
    Action action{make_id("act_"), skill.action, {}, std::nullopt, skill.needs_confirmation};
    for (const auto& def : skill.slots)
      if (has_value(slots, def.name)) action.params.emplace_back(def.name, slots.at(def.name).value);
    action.number = phone_number(skill, action);
    if (change && !change->action_id.empty()) action.replaces = change->action_id;
    std::int64_t reminder_id = 0;
    if (skill.name == "reminder") {
      auto stored = store_reminder(action, change ? change->reminder_id : 0);
      if (!stored) return stored.error();
      reminder_id = *stored;
    }
    if (recent) {
      recent->action_id = action.id;
      recent->reminder_id = reminder_id;
    }
    st_.issued.emplace_back(action.id, skill.action);
    if (st_.issued.size() > kIssuedRemembered) st_.issued.pop_front();
    std::string message = change ? fill_changed(skill, slots, today) : fill_response(skill, slots, today);
    Answer out{std::move(message), std::move(action), skill.name};
    if (skill.needs_confirmation) {
      out.expects_reply = true;
      st_.pending = out;
    }
    return out;
  }

  static const std::string* param_text(const Action& action, std::string_view name) {
    for (const auto& [n, v] : action.params)
      if (n == name) return nlu::text_of(v);
    return nullptr;
  }

  // The app needs a number to dial or text; the stored contact has it.
  std::optional<std::string> phone_number(const skills::Skill& skill, const Action& action) const {
    if (skill.name != "call" && skill.name != "message" && skill.name != "share_location") return std::nullopt;
    const std::string* target = param_text(action, "target");
    if (!target) return std::nullopt;
    std::string wanted = lower(*target);
    for (const auto& c : loaded_.contacts) {
      bool same = lower(c.name) == wanted;
      for (const auto& alias : c.aliases) same = same || lower(alias) == wanted;
      if (same) {
        if (!c.phones.empty()) return c.phones.front();
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  // reminder_list reads back what the reminder skill set, so the backend keeps a copy:
  // reminder `replaced` of this user changed (a follow-up "make it 6 pm"), or a new one.
  // The id of the reminder kept, 0 for none.
  Result<std::int64_t> store_reminder(const Action& action, std::int64_t replaced) {
    const std::string* text = param_text(action, "text");
    const std::string* when = param_text(action, "datetime");
    if (!text || !when) return std::int64_t{0};
    store::Reminder r;
    r.id = replaced;
    r.text = *text;
    r.datetime = *when;
    r.created_at = deps_.clock.unix_now();
    if (replaced != 0) {
      auto changed = deps_.store.update_reminder(user_id_, r);
      if (!changed) return store_failure(changed.error());
      if (*changed) return replaced;
      // Gone since (the user's data erased): the changed reminder is stored anew.
    }
    auto id = deps_.store.add_reminder(user_id_, r);
    if (!id) return store_failure(id.error());
    return *id;
  }

  const Deps& deps_;
  const Options& options_;
  DialogState& st_;
  std::int64_t user_id_;
  const std::string& timezone_;
  const Loaded& loaded_;
  std::string_view text_;
};

}  // namespace

Error store_failure(const Error& e) { return make_error(Errc::unavailable, "store: " + e.detail); }

Result<Loaded> load(const Deps& deps, std::int64_t user_id, const std::string& timezone) {
  auto contacts = deps.store.contacts(user_id);
  if (!contacts) return store_failure(contacts.error());
  Loaded out;
  out.context.now = deps.clock.now();
  out.context.timezone = timezone;
  for (const auto& c : *contacts) out.context.contacts.push_back({c.name, c.aliases});
  out.contacts = std::move(*contacts);
  return out;
}

Answer confirmed(Answer pending) {
  if (pending.action) pending.action->needs_confirmation = false;
  pending.expects_reply = false;
  return pending;
}

Result<Answer> decide(const Deps& deps, const Options& options, DialogState& state, std::int64_t user_id,
                      const std::string& timezone, const Loaded& loaded, std::string_view text,
                      const nlu::ParseResult& parsed) {
  return Turn(deps, options, state, user_id, timezone, loaded).utterance(text, parsed);
}

}  // namespace hark::dialog::internal
