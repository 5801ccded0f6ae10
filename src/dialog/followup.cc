#include "dialog/followup.h"

#include "dialog/templates.h"

#include <algorithm>
#include <cctype>

namespace hark::dialog::internal {

namespace {

// A byte of a word: ASCII letters and digits, and every byte of a UTF-8 sequence ("Zoë").
bool word_byte(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return c >= 0x80 || std::isalnum(c) != 0;
}

// Lower-case words of `s`: letters, digits, and the apostrophes and colons inside them.
std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (word_byte(ch) || ((ch == '\'' || ch == ':') && !cur.empty())) {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  for (auto& w : out)
    while (!w.empty() && (w.back() == '\'' || w.back() == ':')) w.pop_back();
  return out;
}

// `text` after its first `skip` words, as said (casing kept), without end punctuation.
std::string said_after(std::string_view text, std::size_t skip) {
  std::size_t i = 0;
  auto word_char = [&](std::size_t k) { return word_byte(text[k]); };
  for (std::size_t n = 0; n < skip; ++n) {
    while (i < text.size() && !word_char(i)) ++i;
    while (i < text.size() && (word_char(i) || text[i] == '\'' || text[i] == ':')) ++i;
  }
  while (i < text.size() && !word_char(i)) ++i;
  std::string_view rest = text.substr(i);
  while (!rest.empty() && !word_byte(rest.back())) rest.remove_suffix(1);
  return std::string(rest);
}

std::string joined(const std::vector<std::string>& w, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < w.size(); ++i) out += (out.empty() ? "" : " ") + w[i];
  return out;
}

bool contains(const std::vector<std::string>& w, std::string_view x) {
  return std::find(w.begin(), w.end(), x) != w.end();
}

// --- The few places that read or write a slot's value (nlu::Slot). ---
std::optional<std::string> text_value(const Slots& slots, const std::string& name) {
  auto it = slots.find(name);
  if (it == slots.end()) return std::nullopt;
  const auto* text = std::get_if<nlu::Text>(&it->second.value);
  if (!text) return std::nullopt;
  return text->text;
}
void set_text(Slots& slots, const std::string& name, const std::string& value) {
  nlu::Slot& s = slots[name];
  if (s.raw.empty()) s.raw = value;
  s.value = nlu::Text{value};
}
// --- end of slot value access ---

bool is_pronoun(std::string_view w) { return w == "her" || w == "him" || w == "them"; }

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Names compared by spelling are at most this long (a long answer costs no more).
constexpr std::size_t kMaxSpelledName = 32;

// How well `said` names contact `c`: 0 exactly (name or alias), 1 by its first word,
// 2 by a first word close in spelling (one edit, or two for names of five letters or more:
// "Anna" and "Hannah"), -1 not at all.
int match_rank(const std::string& said, const store::Contact& c) {
  std::vector<std::string> names{c.name};
  names.insert(names.end(), c.aliases.begin(), c.aliases.end());
  int best = -1;
  for (const auto& n : names) {
    auto w = words_of(n);
    if (w.empty()) continue;
    if (joined(w, 0) == said) return 0;
    if (said.find(' ') != std::string::npos) continue;
    if (w.front() == said) best = best < 0 ? 1 : std::min(best, 1);
    std::size_t longest = std::max(w.front().size(), said.size());
    std::size_t allowed = longest >= 5 ? 2 : 1;
    if (said.size() >= 3 && said.size() <= kMaxSpelledName && w.front().size() <= kMaxSpelledName &&
        edit_distance(w.front(), said) <= allowed)
      best = best < 0 ? 2 : std::min(best, 2);
  }
  return best;
}

// The contacts `said` may name with their match_rank, best first (stable in the stored
// order).
std::vector<std::pair<int, std::string>> candidates(const std::string& said,
                                                    const std::vector<store::Contact>& contacts) {
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& c : contacts)
    if (int r = match_rank(said, c); r >= 0) ranked.emplace_back(r, c.name);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return ranked;
}

// Words that open a fragment of the last request, longest first.
const std::vector<std::vector<std::string>>& markers() {
  static const std::vector<std::vector<std::string>> m{
      {"change", "it", "to"}, {"change", "that", "to"}, {"what", "about"}, {"how", "about"},
      {"make", "it"},         {"make", "that"},         {"and"},           {"also"},
      {"plus"},               {"actually"},             {"no"}};
  return m;
}

// "and X", "also X", "plus X": one more of what the last request did, not a correction.
bool adds(const std::vector<std::string>& marker) {
  return marker.size() == 1 && (marker[0] == "and" || marker[0] == "also" || marker[0] == "plus");
}

// Whether the fragment's words may fill a free-text slot: an explicit "and X", "what
// about X" only.
bool adds_words(const std::vector<std::string>& marker) {
  if (marker.size() == 2) return marker[1] == "about";
  return adds(marker);
}

// Free words that can stand for a value the last request had ("and eggs"): a few words,
// not a question or a sentence of its own ("and what do you think of poems").
constexpr std::size_t kMaxFreeFragment = 4;
bool could_be_value(const std::vector<std::string>& w) {
  static const std::vector<std::string> opening{"what", "how",  "why", "who", "when", "where", "which", "do",
                                                "does", "did",  "can", "could", "is", "are", "was",  "will",
                                                "would", "should", "i", "you", "we", "it", "that", "this"};
  return !w.empty() && w.size() <= kMaxFreeFragment && !contains(opening, w[0]);
}

// A choice as it follows "Do you want": "to" before what the skill does ("to call Anna",
// "to place a phone call"), not before a thing ("the weather forecast").
std::string as_choice(std::string d) {
  while (!d.empty() && (d.back() == '.' || d.back() == ' ')) d.pop_back();
  auto w = words_of(d);
  bool thing = !w.empty() && (w[0] == "the" || w[0] == "a" || w[0] == "an" || w[0] == "today's" ||
                              w[0] == "what" || w[0] == "your");
  return (thing ? "" : "to ") + d;
}

// Descriptions say what a skill does ("Place a phone call."); as a choice: "to place a
// phone call".
std::string described(const skills::Skill& skill) {
  std::string d = skill.description.empty() ? skill.name : skill.description;
  std::replace(d.begin(), d.end(), '_', ' ');
  if (!d.empty()) d[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(d[0])));
  return as_choice(std::move(d));
}

// The values found (for `first`, the skill the parse filled them for) that `skill` has a
// slot of the same name and type for: a "date" of one skill is a date of the other, a
// "query" of music is no search query.
Slots shared_slots(const skills::Skill& first, const skills::Skill& skill, const Slots& slots) {
  Slots out;
  for (const auto& [name, slot] : slots) {
    const skills::SlotDef* a = first.find_slot(name);
    const skills::SlotDef* b = skill.find_slot(name);
    if (a && b && a->type == b->type) out.emplace(name, slot);
  }
  return out;
}

}  // namespace

void resolve_contacts(const skills::Skill& skill, std::string_view text, Slots& slots,
                      const std::string& last_contact, const std::vector<store::Contact>& contacts,
                      std::vector<std::string>& others) {
  bool first = true;
  auto said_words = words_of(text);
  for (const auto& def : skill.slots) {
    if (def.type != skills::SlotType::kContact) continue;
    auto value = text_value(slots, def.name);
    bool pronoun_said = std::any_of(said_words.begin(), said_words.end(), [](const auto& w) { return is_pronoun(w); });
    if (!value) {
      // "call them": the parser leaves "them" out of a contact; the pronoun still names one.
      if (pronoun_said && !last_contact.empty() && said_words.size() <= 4) set_text(slots, def.name, last_contact);
      continue;
    }
    std::string said = joined(words_of(*value), 0);
    if (is_pronoun(said)) {
      if (last_contact.empty()) slots.erase(def.name);  // asked for again: "Who should I call?"
      else set_text(slots, def.name, last_contact);
      continue;
    }
    auto found = candidates(said, contacts);
    if (found.empty()) continue;
    bool exact = std::any_of(contacts.begin(), contacts.end(),
                             [&](const store::Contact& c) { return c.name == *value; });
    // A first name names its contact; a name only spelt alike ("Dan", "Dad") is never
    // taken in its place, only offered as "the other one".
    if (!exact && found.front().first <= 1) set_text(slots, def.name, found.front().second);
    if (first) {
      auto chosen = *text_value(slots, def.name);
      for (auto& [rank, name] : found)
        if (name != chosen && !contains(others, name)) others.push_back(name);
      first = false;
    }
  }
}

std::string contact_of(const Recent& recent) {
  if (recent.contact_slot.empty()) return "";
  return text_value(recent.slots, recent.contact_slot).value_or("");
}

std::optional<Recent> recent_of(const skills::Skill& skill, const Slots& slots, std::vector<std::string> others) {
  if (skill.slots.empty()) return std::nullopt;
  Recent r{skill.name, slots, "", std::move(others)};
  for (const auto& def : skill.slots)
    if (def.type == skills::SlotType::kContact && text_value(slots, def.name)) {
      r.contact_slot = def.name;
      break;
    }
  return r;
}

void merge_said(const skills::Skill& skill, const Slots& said, Slots& into, std::string& last_contact) {
  for (const auto& def : skill.slots) {
    if (def.type != skills::SlotType::kContact) continue;
    auto asked = text_value(into, def.name);
    if (asked) last_contact = *asked;
    auto it = said.find(def.name);
    if (asked && it != said.end() && is_pronoun(joined(words_of(it->second.raw), 0))) continue;
    if (it != said.end()) into[def.name] = it->second;
  }
  for (const auto& [name, slot] : said) {
    const skills::SlotDef* def = skill.find_slot(name);
    if (!def || def->type != skills::SlotType::kContact) into[name] = slot;
  }
}

std::optional<Slots> other_contact(std::string_view text, Recent& recent) {
  if (recent.other_contacts.empty() || recent.contact_slot.empty()) return std::nullopt;
  auto w = words_of(text);
  if (w.size() > 6) return std::nullopt;
  bool other = contains(w, "other") || (contains(w, "wrong") && (contains(w, "one") || contains(w, "person")));
  if (!other) return std::nullopt;
  std::string now = contact_of(recent);
  std::string next = recent.other_contacts.front();
  recent.other_contacts.erase(recent.other_contacts.begin());
  if (!now.empty()) recent.other_contacts.push_back(now);
  set_text(recent.slots, recent.contact_slot, next);
  recent.slots[recent.contact_slot].raw = next;
  return recent.slots;
}

std::optional<Fragment> merge_fragment(const nlu::Parser& parser, const skills::Skill& skill,
                                    const Recent& recent, std::string_view text,
                                    const nlu::ParseResult& parsed, const nlu::Context& ctx) {
  auto w = words_of(text);
  if (w.empty() || w.size() > 8) return std::nullopt;
  std::vector<std::string> marker;
  for (const auto& m : markers())
    if (w.size() > m.size() && std::equal(m.begin(), m.end(), w.begin())) {
      marker = m;
      break;
    }
  // Without a marker, only words the parser made nothing of can be a fragment.
  if (marker.empty() && parsed.intent != "fallback") return std::nullopt;
  // The request said again in full is a new request, not a fragment.
  if (parsed.intent == skill.name) return std::nullopt;
  std::string rest = said_after(text, marker.size());
  if (rest.empty()) return std::nullopt;
  // Typed slots first: "7:30" is a time before it is words.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& def : skill.slots) {
      bool free = def.type == skills::SlotType::kText || def.type == skills::SlotType::kContact;
      if (free != (pass == 1)) continue;
      if (free && (!adds_words(marker) || parsed.intent != "fallback" || !recent.slots.count(def.name) ||
                   !could_be_value(words_of(rest))))
        continue;
      // A typed value must be the whole fragment, or the whole after "at", "on", "for".
      std::vector<std::string> tries{rest};
      if (!free) {
        auto rw = words_of(rest);
        if (rw.size() > 1 && (rw[0] == "at" || rw[0] == "on" || rw[0] == "for" || rw[0] == "in"))
          tries.push_back(said_after(rest, 1));
      }
      for (const auto& t : tries) {
        auto value = parser.parse_slot(def, t, ctx);
        if (!value) continue;
        Fragment out{recent.slots, !adds(marker)};
        out.slots[def.name] = std::move(*value);
        return out;
      }
    }
  return std::nullopt;
}

std::optional<Fragment> restated_change(const Recent& recent, std::string_view text, const nlu::ParseResult& parsed) {
  if (parsed.intent != recent.skill) return std::nullopt;
  static const std::vector<std::string> lead{"please", "actually", "no", "ok", "okay", "can", "could", "would", "you"};
  static const std::vector<std::string> verbs{"change", "update", "edit", "move", "reschedule", "shift"};
  auto w = words_of(text);
  std::size_t i = 0;
  while (i < w.size() && contains(lead, w[i])) ++i;
  if (i == w.size() || !contains(verbs, w[i])) return std::nullopt;
  Fragment out{recent.slots, true};
  bool said = false;
  for (const auto& [name, slot] : parsed.slots)
    if (nlu::has_value(slot.value)) {
      out.slots[name] = slot;
      said = true;
    }
  if (!said) return std::nullopt;
  return out;
}

std::string choice_question(const skills::Registry& registry, const std::vector<std::string>& names,
                            const Slots& slots, const LocalTime& today) {
  std::vector<std::string> parts;
  const skills::Skill* first = nullptr;
  for (const auto& n : names) {
    const skills::Skill* s = registry.find(n);
    if (!s) continue;
    if (!first) first = s;
    auto offered = fill_offer(*s, shared_slots(*first, *s, slots), today);
    parts.push_back(offered ? as_choice(*offered) : described(*s));
  }
  if (parts.empty()) return "";
  // "to" once: "Do you want to call Anna, or send Anna a message?"
  bool to = parts[0].starts_with("to ");
  std::string q = "Do you want " + parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (to && part.starts_with("to ")) part.remove_prefix(3);
    q += (i + 1 == parts.size() ? ", or " : ", ") + std::string(part);
  }
  return q + "?";
}

int resolve_choice(const skills::Registry& registry, const Choice& choice, std::string_view text,
                   const nlu::ParseResult& parsed) {
  if (parsed.intent == "deny" || parsed.intent == "cancel") return kDeclined;
  auto w = words_of(text);
  if (w.empty()) return kUnresolved;
  if (contains(w, "neither") || contains(w, "nothing") || (w.size() <= 2 && w[0] == "no")) return kDeclined;
  int n = static_cast<int>(choice.skills.size());
  if (contains(w, "first") || contains(w, "former")) return 0;
  if (n >= 2 && (contains(w, "second") || contains(w, "latter") || contains(w, "other"))) return 1;
  if (n == 1 && parsed.intent == "confirm") return 0;
  for (int i = 0; i < n; ++i)
    if (parsed.intent == choice.skills[static_cast<std::size_t>(i)]) return i;
  // A word of one skill's name or description ("call", "message her", "the text").
  int found = kUnresolved;
  for (int i = 0; i < n; ++i) {
    const skills::Skill* s = registry.find(choice.skills[static_cast<std::size_t>(i)]);
    if (!s) continue;
    auto own = words_of(s->name + " " + s->description);
    bool hit = std::any_of(w.begin(), w.end(), [&](const std::string& x) { return x.size() >= 4 && contains(own, x); });
    if (!hit) continue;
    if (found != kUnresolved) return kUnresolved;  // words of both: still unclear
    found = i;
  }
  return found;
}

}  // namespace hark::dialog::internal
