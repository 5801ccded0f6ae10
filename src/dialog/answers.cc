#include "dialog/answers.h"

#include "dialog/calculator.h"
#include "dialog/speech.h"
#include "dialog/units.h"

#include <array>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

namespace hark::dialog {

namespace {

constexpr std::array<std::string_view, 6> kJokes = {
    "I told my computer I needed a break, and it said: no problem, I'll go to sleep.",
    "Why did the scarecrow win an award? Because he was outstanding in his field.",
    "Why don't eggs tell jokes? They'd crack each other up.",
    "I'm reading a book about anti-gravity. It's impossible to put down.",
    "What do you call a bear with no teeth? A gummy bear.",
    "Why did the bicycle fall over? It was two tired.",
};

// What to say about a loaded skill in "help", in the order worth mentioning.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kHelpPhrases = {{
    {"call", "make calls"},
    {"message", "send messages"},
    {"alarm", "set alarms"},
    {"timer", "set timers"},
    {"reminder", "remind you of things"},
    {"weather", "check the weather"},
    {"list_add", "keep your shopping list"},
    {"navigation", "give directions"},
    {"play_music", "play music"},
    {"calculator", "do math"},
    {"unit_conversion", "convert units"},
    {"joke", "tell jokes"},
}};

constexpr std::size_t kHelpMentions = 6;
constexpr std::size_t kRemindersRead = 5;

std::optional<std::string> slot_text(const std::map<std::string, nlu::Slot>& slots, const std::string& name) {
  auto it = slots.find(name);
  if (it == slots.end()) return std::nullopt;
  if (const std::string* s = nlu::text_of(it->second.value)) {
    if (!s->empty()) return *s;
    return std::nullopt;
  }
  if (!it->second.raw.empty()) return it->second.raw;
  return std::nullopt;
}

std::optional<double> slot_number(const std::map<std::string, nlu::Slot>& slots, const std::string& name) {
  auto it = slots.find(name);
  if (it == slots.end()) return std::nullopt;
  return nlu::number_of(it->second.value);
}

Error store_error(const Error& e) { return make_error(Errc::unavailable, "store: " + e.detail); }

std::string list_name(const std::map<std::string, nlu::Slot>& slots) {
  return slot_text(slots, "list").value_or("shopping");
}

LocalTime now_local(const AnswerContext& ctx) {
  return local_time(ctx.now, ctx.timezone).value_or(local_time(ctx.now, "UTC").value_or(LocalTime{}));
}

std::string answer_time(const std::map<std::string, nlu::Slot>& slots, const AnswerContext& ctx) {
  if (auto place = slot_text(slots, "location")) {
    // The time of a named place, when the tz database knows a city of that name; never
    // the session's own time passed off as another place's.
    auto zone = zone_of_place(*place);
    auto there = zone ? local_time(ctx.now, *zone) : std::nullopt;
    if (!there) return "Sorry, I don't know the time in " + title_case(*place) + ".";
    return "It's " + say_clock(there->hour, there->minute) + " in " + title_case(*place) + ".";
  }
  LocalTime t = now_local(ctx);
  return "It's " + say_clock(t.hour, t.minute) + ".";
}

std::string answer_date(const AnswerContext& ctx) {
  LocalTime t = now_local(ctx);
  return "Today is " + say_calendar_day(t.year, t.month, t.day) + ".";
}

std::string answer_conversion(const std::map<std::string, nlu::Slot>& slots) {
  auto from = slot_text(slots, "from_unit");
  auto to = slot_text(slots, "to_unit");
  if (!from || !to) return "Sorry, which units should I convert between?";
  return conversion_answer(slot_number(slots, "amount").value_or(1.0), *from, *to);
}

Result<std::string> answer_reminders(const AnswerContext& ctx) {
  auto all = ctx.store->reminders(ctx.user_id);
  if (!all) return store_error(all.error());
  LocalTime t = now_local(ctx);
  char now_text[32];
  std::snprintf(now_text, sizeof now_text, "%04d-%02d-%02dT%02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  std::vector<std::string> said;
  std::size_t upcoming = 0;
  for (const auto& r : *all) {
    if (r.datetime < now_text) continue;  // already past: it has been reminded
    ++upcoming;
    if (said.size() >= kRemindersRead) continue;
    std::string when;
    if (auto w = say_datetime_value(r.datetime, t)) {
      bool relative = w->rfind("today", 0) == 0 || w->rfind("tomorrow", 0) == 0;
      when = relative ? *w : "on " + *w;
    }
    said.push_back(when.empty() ? r.text : r.text + " " + when);
  }
  if (upcoming == 0) return std::string("You have no reminders.");
  std::string out = upcoming == 1 ? "You have one reminder: "
                                  : "You have " + std::to_string(upcoming) + " reminders: ";
  out += join_words(said);
  if (upcoming > said.size()) out += ", and " + std::to_string(upcoming - said.size()) + " more";
  return out + ".";
}

Result<std::string> answer_list(std::string_view intent, const std::map<std::string, nlu::Slot>& slots,
                                const AnswerContext& ctx) {
  std::string list = list_name(slots);
  std::string title = list_title(list);
  if (intent == "list_add" || intent == "list_remove") {
    auto item = slot_text(slots, "item");
    if (!item) return std::string("Sorry, which item?");
    if (intent == "list_add") {
      auto added = ctx.store->list_add(ctx.user_id, list, *item);
      if (!added) return store_error(added.error());
      if (!*added) return capitalize(*item) + " is already on your " + title + ".";
      return "I've added " + *item + " to your " + title + ".";
    }
    auto removed = ctx.store->list_remove(ctx.user_id, list, *item);
    if (!removed) return store_error(removed.error());
    if (!*removed) return capitalize(*item) + " isn't on your " + title + ".";
    return "I've removed " + *item + " from your " + title + ".";
  }
  if (intent == "list_clear") {
    auto cleared = ctx.store->list_clear(ctx.user_id, list);
    if (!cleared) return store_error(cleared.error());
    return "I've cleared your " + title + ".";
  }
  auto items = ctx.store->list_items(ctx.user_id, list);
  if (!items) return store_error(items.error());
  if (items->empty()) return "Your " + title + " is empty.";
  return "Your " + title + " has " + join_words(*items) + ".";
}

std::string answer_help(const AnswerContext& ctx) {
  std::vector<std::string> can;
  for (const auto& [skill, phrase] : kHelpPhrases) {
    if (can.size() >= kHelpMentions) break;
    if (ctx.skills && ctx.skills->find(skill)) can.emplace_back(phrase);
  }
  if (can.empty()) return "You can ask me things in your own words, and I'll do my best.";
  return "I can " + join_words(can) + ". Just ask in your own words.";
}

std::string answer_dice(const std::map<std::string, nlu::Slot>& slots, const AnswerContext& ctx) {
  double sides_d = slot_number(slots, "sides").value_or(6);
  double count_d = slot_number(slots, "count").value_or(1);
  if (!(sides_d >= 2 && sides_d <= 1000 && count_d >= 1 && count_d <= 100) ||
      sides_d != std::floor(sides_d) || count_d != std::floor(count_d))
    return "I can roll from 1 to 100 dice, with 2 to 1000 sides each.";
  auto sides = static_cast<std::uint64_t>(sides_d);
  auto count = static_cast<std::uint64_t>(count_d);
  std::vector<std::string> rolls;
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t r = ctx.random->below(sides) + 1;
    total += r;
    rolls.push_back(std::to_string(r));
  }
  if (count == 1) {
    // "an 8", "an 11", "an 18", "an 80..." (at most 1000 sides); "a" before the others.
    const std::string& r = rolls[0];
    bool an = r[0] == '8' || r == "11" || r == "18";
    return "You rolled " + std::string(an ? "an " : "a ") + r + ".";
  }
  return "You rolled " + join_words(rolls) + ", for a total of " + std::to_string(total) + ".";
}

}  // namespace

std::string list_title(std::string_view list) {
  if (list == "todo" || list == "to_do") return "to-do list";
  std::string s(list);
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s + " list";
}

bool is_answered_skill(std::string_view intent) {
  static const std::set<std::string_view> kNames = {
      "time",      "date",      "calculator", "unit_conversion", "reminder_list", "list_add",
      "list_remove", "list_read", "list_clear", "greeting",       "goodbye",       "thanks",
      "help",      "joke",      "flip_coin",  "roll_dice"};
  return kNames.count(intent) > 0;
}

Result<std::optional<std::string>> answer(std::string_view intent, const std::map<std::string, nlu::Slot>& slots,
                                          const AnswerContext& ctx) {
  using Out = std::optional<std::string>;
  if (intent == "time") return Out(answer_time(slots, ctx));
  if (intent == "date") return Out(answer_date(ctx));
  if (intent == "calculator") {
    auto expr = slot_text(slots, "expression");
    return Out(calculator_answer(ctx.utterance, expr.value_or("")));
  }
  if (intent == "unit_conversion") return Out(answer_conversion(slots));
  if (intent == "reminder_list") {
    auto r = answer_reminders(ctx);
    if (!r) return r.error();
    return Out(std::move(*r));
  }
  if (intent == "list_add" || intent == "list_remove" || intent == "list_read" || intent == "list_clear") {
    auto r = answer_list(intent, slots, ctx);
    if (!r) return r.error();
    return Out(std::move(*r));
  }
  if (intent == "greeting") return Out("Hello! How can I help?");
  if (intent == "goodbye") return Out("Goodbye!");
  if (intent == "thanks") return Out("You're welcome!");
  if (intent == "help") return Out(answer_help(ctx));
  if (intent == "joke") return Out(std::string(kJokes[ctx.random->below(kJokes.size())]));
  if (intent == "flip_coin") return Out(ctx.random->below(2) == 0 ? "It's heads." : "It's tails.");
  if (intent == "roll_dice") return Out(answer_dice(slots, ctx));
  return Out();
}

}  // namespace hark::dialog
