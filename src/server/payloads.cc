#include "server/payloads.h"


#include <boost/json.hpp>

#include <ctime>

namespace json = boost::json;

namespace hark::server {

json::object user_json(const store::User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"display_name", u.display_name},
          {"created_at", iso8601_utc(u.created_at)}};
}

json::object token_json(const auth::TokenPair& t) {
  return {{"access_token", t.access_token},
          {"token_type", "bearer"},
          {"expires_in", t.expires_in},
          {"refresh_token", t.refresh_token}};
}

std::string example_of(std::string_view tpl, const skills::Skill& skill, int depth) {
  std::string out;
  for (std::size_t i = 0; i < tpl.size();) {
    char c = tpl[i];
    auto close_of = [&](char open, char close) {
      int level = 0;
      for (std::size_t j = i; j < tpl.size(); ++j) {
        if (tpl[j] == open) ++level;
        if (tpl[j] == close && --level == 0) return j;
      }
      return tpl.size();
    };
    if (c == '[') {
      i = close_of('[', ']') + 1;
    } else if (c == '(') {
      auto end = close_of('(', ')');
      std::string_view inner = tpl.substr(i + 1, end > i ? end - i - 1 : 0);
      int level = 0;
      std::size_t cut = inner.size();
      for (std::size_t j = 0; j < inner.size(); ++j) {
        if (inner[j] == '(' || inner[j] == '[') ++level;
        if (inner[j] == ')' || inner[j] == ']') --level;
        if (inner[j] == '|' && level == 0) { cut = j; break; }
      }
      out += example_of(inner.substr(0, cut), skill, depth);
      i = end + 1;
    } else if (c == '<') {
      auto end = tpl.find('>', i);
      if (end == std::string_view::npos) break;
      std::string name(tpl.substr(i + 1, end - i - 1));
      if (auto it = skill.rules.find(name); it != skill.rules.end() && depth < 8)
        out += example_of(it->second, skill, depth + 1);
      i = end + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  // Collapse the spaces left by dropped parts.
  std::string tidy;
  for (char ch : out) {
    if (ch == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    tidy.push_back(ch);
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  return tidy;
}

json::object skill_json(const skills::Skill& s) {
  json::array params;
  for (const auto& slot : s.slots) {
    json::object p{{"name", slot.name},
                   {"type", slot.type == skills::SlotType::kClosed ? "closed" : skills::slot_type_name(slot.type)},
                   {"required", slot.required}};
    if (!slot.values.empty()) {
      json::array values;
      for (const auto& v : slot.values) values.push_back(json::string(v.out));
      p["values"] = std::move(values);
    }
    if (slot.type == skills::SlotType::kDuration) p["unit"] = slot.unit;
    params.push_back(std::move(p));
  }
  json::array examples;
  for (const auto& t : s.sentences) {
    auto e = example_of(t, s);
    if (!e.empty()) examples.push_back(json::string(e));
  }
  json::object o{{"name", s.name},
                 {"description", s.description},
                 {"needs_confirmation", s.needs_confirmation},
                 {"params", std::move(params)},
                 {"examples", std::move(examples)}};
  if (s.action.empty())
    o["action"] = nullptr;
  else
    o["action"] = s.action;
  return o;
}

Result<std::vector<store::Contact>> parse_contacts(const json::value& v, const ContactLimits& limits) {
  const auto* arr = v.if_array();
  if (!arr) return make_error(Errc::invalid_field, "The body must be a JSON array of contacts.");
  if (arr->size() > limits.contacts)
    return make_error(Errc::invalid_field,
                      "At most " + std::to_string(limits.contacts) + " contacts are allowed.");
  auto too_long = [&](const std::string& what) {
    return make_error(Errc::invalid_field, what + " is longer than " +
                                               std::to_string(limits.field_bytes) + " bytes.");
  };
  std::vector<store::Contact> out;
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string where = "contacts[" + std::to_string(i) + "]";
    const auto* o = (*arr)[i].if_object();
    if (!o) return make_error(Errc::invalid_field, where + " must be an object.");
    store::Contact c;
    const auto* name = o->if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
      return make_error(Errc::invalid_field, where + ".name must be a non-empty string.");
    c.name = std::string(name->get_string());
    if (c.name.size() > limits.field_bytes) return too_long(where + ".name");
    for (auto [key, dest] : {std::pair{"phones", &c.phones}, std::pair{"aliases", &c.aliases}}) {
      const auto* list = o->if_contains(key);
      if (!list || list->is_null()) continue;
      const auto* items = list->if_array();
      if (!items)
        return make_error(Errc::invalid_field, where + "." + key + " must be an array of strings.");
      if (items->size() > limits.entries)
        return make_error(Errc::invalid_field, where + "." + key + " has more than " +
                                                   std::to_string(limits.entries) + " entries.");
      for (const auto& item : *items) {
        if (!item.is_string())
          return make_error(Errc::invalid_field,
                            where + "." + key + " must be an array of strings.");
        if (item.get_string().size() > limits.field_bytes)
          return too_long(where + "." + key + "[" + std::to_string(dest->size()) + "]");
        dest->emplace_back(item.get_string());
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hark::server
