#include "dialog/templates.h"

#include <set>
#include <string_view>
#include <vector>

namespace hark::dialog {

namespace {

struct Placeholder {
  std::size_t begin;  // position of '{'
  std::size_t end;    // one past '}'
  std::string name;
};

std::vector<Placeholder> placeholders(const std::string& tmpl) {
  std::vector<Placeholder> out;
  std::size_t pos = 0;
  while ((pos = tmpl.find('{', pos)) != std::string::npos) {
    std::size_t close = tmpl.find('}', pos);
    if (close == std::string::npos) break;
    out.push_back({pos, close + 1, tmpl.substr(pos + 1, close - pos - 1)});
    pos = close + 1;
  }
  return out;
}

bool has_value(const std::map<std::string, nlu::Slot>& slots, const std::string& name) {
  auto it = slots.find(name);
  return it != slots.end() && nlu::has_value(it->second.value);
}

// Removes `{name}` and the connector word before it, then tidies spaces before punctuation.
std::string drop_placeholder(std::string text, const Placeholder& p) {
  static const std::set<std::string_view> kConnectors = {"for", "at", "on", "to", "in", "called", "named",
                                                         "about", "with", "by", "from", "of", "saying"};
  std::size_t begin = p.begin, end = p.end;
  // "Sending \"{body}\"": the quotes go with the value.
  if (begin > 0 && end < text.size() && text[begin - 1] == '"' && text[end] == '"') {
    --begin;
    ++end;
  }
  std::size_t word_end = begin;
  while (word_end > 0 && text[word_end - 1] == ' ') --word_end;
  std::size_t word_begin = word_end;
  while (word_begin > 0 && text[word_begin - 1] != ' ') --word_begin;
  std::string before = text.substr(word_begin, word_end - word_begin);
  if (kConnectors.count(before)) begin = word_begin;
  else begin = word_end;
  text.erase(begin, end - begin);
  std::string tidy;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    if ((c == '.' || c == ',' || c == '!' || c == '?') && !tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    tidy += c;
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  return tidy;
}

std::string fill_words(const std::string& tmpl, const skills::Skill& skill,
                       const std::map<std::string, nlu::Slot>& slots, const LocalTime& today) {
  // Missing slots first, from the back so earlier positions stay valid.
  std::string text = tmpl;
  auto ps = placeholders(text);
  for (auto it = ps.rbegin(); it != ps.rend(); ++it)
    if (!has_value(slots, it->name)) text = drop_placeholder(text, *it);
  std::string out;
  std::size_t pos = 0;
  for (const auto& p : placeholders(text)) {
    out.append(text, pos, p.begin - pos);
    std::string said = say_slot_value(skill.find_slot(p.name), slots.at(p.name).value, today);
    // "on {date}" with "tomorrow" reads "on tomorrow"; the "on" goes.
    bool relative = said.rfind("today", 0) == 0 || said.rfind("tomorrow", 0) == 0 || said.rfind("yesterday", 0) == 0;
    if (relative && out.size() >= 4 && out.compare(out.size() - 4, 4, " on ") == 0) out.erase(out.size() - 3);
    out += said;
    pos = p.end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string fill(const std::string& tmpl, const skills::Skill& skill,
                 const std::map<std::string, nlu::Slot>& slots, const LocalTime& today) {
  return capitalize(fill_words(tmpl, skill, slots, today));
}

}  // namespace

std::string say_slot_value(const skills::SlotDef* def, const nlu::SlotValue& value, const LocalTime& today) {
  // No definition: printed as a plain text value would be.
  skills::SlotType type = def ? def->type : skills::SlotType::kText;
  if (const std::string* text = nlu::text_of(value)) {
    std::string s = *text;
    if (type == skills::SlotType::kTime) return say_time_value(s).value_or(s);
    if (type == skills::SlotType::kDate) return say_date_value(s, today).value_or(s);
    if (type == skills::SlotType::kDateTime) return say_datetime_value(s, today).value_or(s);
    if (type == skills::SlotType::kClosed)
      for (auto& c : s)
        if (c == '_') c = ' ';
    return s;
  }
  std::optional<double> number = nlu::number_of(value);
  if (!number) return "";
  if (type == skills::SlotType::kDuration) {
    double seconds = def->unit == "minutes" ? *number * 60 : *number;
    return say_duration(static_cast<std::int64_t>(seconds));
  }
  return say_number(*number);
}

namespace {
std::string fill_first(const std::vector<std::string>& alternatives, const skills::Skill& skill,
                       const std::map<std::string, nlu::Slot>& slots, const LocalTime& today) {
  if (alternatives.empty()) return "OK.";
  for (const auto& r : alternatives) {
    bool complete = true;
    for (const auto& p : placeholders(r)) complete = complete && has_value(slots, p.name);
    if (complete) return fill(r, skill, slots, today);
  }
  return fill(alternatives.front(), skill, slots, today);
}
}  // namespace

std::string fill_response(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                          const LocalTime& today) {
  return fill_first(skill.responses, skill, slots, today);
}

std::optional<std::string> fill_offer(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                                      const LocalTime& today) {
  for (const auto& o : skill.offer) {
    bool complete = true;
    for (const auto& p : placeholders(o)) complete = complete && has_value(slots, p.name);
    if (!complete) continue;
    std::string out = fill_words(o, skill, slots, today);
    while (!out.empty() && (out.back() == '.' || out.back() == '?' || out.back() == ' ')) out.pop_back();
    return out;
  }
  return std::nullopt;
}

std::string fill_changed(const skills::Skill& skill, const std::map<std::string, nlu::Slot>& slots,
                         const LocalTime& today) {
  if (skill.changed.empty()) return fill_response(skill, slots, today);
  return fill_first(skill.changed, skill, slots, today);
}

}  // namespace hark::dialog
