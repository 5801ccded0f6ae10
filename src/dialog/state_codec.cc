#include "dialog/state_codec.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>
#include <utility>

namespace hark::dialog::internal {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;
// More than any state this file writes; a bigger text is not ours.
constexpr std::size_t kMaxText = 1 << 20;

// ---- encoding -------------------------------------------------------------------------

json::object value_json(const nlu::SlotValue& v) {
  struct Encode {
    json::object operator()(std::monostate) const { return {{"type", "none"}}; }
    json::object operator()(const nlu::Text& t) const { return {{"type", "text"}, {"value", t.text}}; }
    json::object operator()(const nlu::Number& n) const { return {{"type", "number"}, {"value", n.value}}; }
    json::object operator()(const nlu::Time& t) const { return {{"type", "time"}, {"value", t.hhmm}}; }
    json::object operator()(const nlu::Date& d) const { return {{"type", "date"}, {"value", d.ymd}}; }
    json::object operator()(const nlu::DateTime& d) const { return {{"type", "datetime"}, {"value", d.iso}}; }
    json::object operator()(const nlu::Duration& d) const {
      return {{"type", d.minutes ? "minutes" : "seconds"}, {"value", d.amount}};
    }
  };
  return std::visit(Encode{}, v);
}

json::object answer_json(const Answer& a) {
  json::object o{{"message", a.message}, {"intent", a.intent}, {"expects_reply", a.expects_reply}};
  if (a.action) {
    json::array params;
    for (const auto& [name, value] : a.action->params) params.push_back(json::array{json::string(name), value_json(value)});
    json::object action{{"id", a.action->id},
                        {"name", a.action->name},
                        {"params", std::move(params)},
                        {"needs_confirmation", a.action->needs_confirmation}};
    if (a.action->number) action["number"] = *a.action->number;
    if (a.action->replaces) action["replaces"] = *a.action->replaces;
    o["action"] = std::move(action);
  }
  return o;
}

json::object slots_json(const std::map<std::string, nlu::Slot>& slots) {
  json::object out;
  for (const auto& [name, slot] : slots) out[name] = json::object{{"value", value_json(slot.value)}, {"raw", slot.raw}};
  return out;
}

json::array texts_json(const std::vector<std::string>& texts) {
  json::array out;
  for (const auto& t : texts) out.push_back(json::string(t));
  return out;
}

// ---- decoding: any malformed field throws, and decode_state answers an empty state ------

struct Malformed : std::runtime_error {
  Malformed() : std::runtime_error("malformed dialog state") {}
};

const json::value& field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) throw Malformed();
  return *v;
}
std::string text(const json::value& v) {
  if (!v.is_string()) throw Malformed();
  return std::string(v.get_string());
}
const json::object& object(const json::value& v) {
  if (!v.is_object()) throw Malformed();
  return v.get_object();
}
const json::array& array(const json::value& v) {
  if (!v.is_array()) throw Malformed();
  return v.get_array();
}
bool boolean(const json::value& v) {
  if (!v.is_bool()) throw Malformed();
  return v.get_bool();
}
std::int64_t integer(const json::value& v) {
  if (!v.is_int64()) throw Malformed();
  return v.get_int64();
}

nlu::SlotValue value_of(const json::object& o) {
  std::string type = text(field(o, "type"));
  if (type == "none") return std::monostate{};
  const json::value& v = field(o, "value");
  if (type == "text") return nlu::Text{text(v)};
  if (type == "number") {
    if (!v.is_number()) throw Malformed();
    return nlu::Number{v.to_number<double>()};
  }
  if (type == "time") return nlu::Time{text(v)};
  if (type == "date") return nlu::Date{text(v)};
  if (type == "datetime") return nlu::DateTime{text(v)};
  if (type == "seconds") return nlu::Duration{integer(v), false};
  if (type == "minutes") return nlu::Duration{integer(v), true};
  throw Malformed();
}

Answer answer_of(const json::object& o) {
  Answer a;
  a.message = text(field(o, "message"));
  a.intent = text(field(o, "intent"));
  a.expects_reply = boolean(field(o, "expects_reply"));
  if (const json::value* av = o.if_contains("action")) {
    const json::object& ao = object(*av);
    Action action;
    action.id = text(field(ao, "id"));
    action.name = text(field(ao, "name"));
    action.needs_confirmation = boolean(field(ao, "needs_confirmation"));
    for (const auto& p : array(field(ao, "params"))) {
      const json::array& pair = array(p);
      if (pair.size() != 2) throw Malformed();
      action.params.emplace_back(text(pair[0]), value_of(object(pair[1])));
    }
    if (const json::value* n = ao.if_contains("number")) action.number = text(*n);
    if (const json::value* r = ao.if_contains("replaces")) action.replaces = text(*r);
    a.action = std::move(action);
  }
  return a;
}

std::map<std::string, nlu::Slot> slots_of(const json::object& o) {
  std::map<std::string, nlu::Slot> out;
  for (const auto& [name, sv] : o) {
    const json::object& so = object(sv);
    out[std::string(name)] = nlu::Slot{value_of(object(field(so, "value"))), text(field(so, "raw"))};
  }
  return out;
}

std::vector<std::string> texts_of(const json::array& a) {
  std::vector<std::string> out;
  for (const auto& t : a) out.push_back(text(t));
  return out;
}

DialogState state_of(const json::object& o) {
  DialogState st;
  if (const json::value* p = o.if_contains("pending")) st.pending = answer_of(object(*p));
  if (const json::value* l = o.if_contains("last")) st.last = answer_of(object(*l));
  if (const json::value* qv = o.if_contains("question")) {
    const json::object& qo = object(*qv);
    DialogState::Question q;
    q.skill = text(field(qo, "skill"));
    q.slot = text(field(qo, "slot"));
    q.retries = static_cast<int>(integer(field(qo, "retries")));
    q.slots = slots_of(object(field(qo, "slots")));
    st.question = std::move(q);
  }
  if (const json::value* iv = o.if_contains("issued"))
    for (const auto& e : array(*iv)) {
      const json::array& pair = array(e);
      if (pair.size() != 2) throw Malformed();
      st.issued.emplace_back(text(pair[0]), text(pair[1]));
      if (st.issued.size() > kIssuedRemembered) st.issued.pop_front();
    }
  // The follow-up memory (dialog/followup.h).
  if (const json::value* rv = o.if_contains("recent")) {
    const json::object& ro = object(*rv);
    Recent r;
    r.skill = text(field(ro, "skill"));
    r.slots = slots_of(object(field(ro, "slots")));
    r.contact_slot = text(field(ro, "contact_slot"));
    r.other_contacts = texts_of(array(field(ro, "other_contacts")));
    // Absent in a state saved before changes were remembered.
    if (const json::value* a = ro.if_contains("action_id")) r.action_id = text(*a);
    if (const json::value* m = ro.if_contains("reminder_id")) r.reminder_id = integer(*m);
    st.recent = std::move(r);
  }
  if (const json::value* lc = o.if_contains("last_contact")) st.last_contact = text(*lc);
  if (const json::value* cv = o.if_contains("choice")) {
    const json::object& co = object(*cv);
    st.choice = Choice{texts_of(array(field(co, "skills"))), slots_of(object(field(co, "slots")))};
  }
  return st;
}

}  // namespace

std::string encode_state(const DialogState& state, std::int64_t user_id, std::int64_t saved_at_us) {
  json::object o{{"v", kVersion}, {"user", user_id}, {"at", saved_at_us}};
  if (state.pending) o["pending"] = answer_json(*state.pending);
  if (state.question) {
    o["question"] = json::object{{"skill", state.question->skill},
                                 {"slots", slots_json(state.question->slots)},
                                 {"slot", state.question->slot},
                                 {"retries", state.question->retries}};
  }
  if (state.last) o["last"] = answer_json(*state.last);
  if (!state.issued.empty()) {
    json::array issued;
    for (const auto& [id, name] : state.issued) issued.push_back(json::array{json::string(id), json::string(name)});
    o["issued"] = std::move(issued);
  }
  if (state.recent) {
    json::object r{{"skill", state.recent->skill},
                   {"slots", slots_json(state.recent->slots)},
                   {"contact_slot", state.recent->contact_slot},
                   {"other_contacts", texts_json(state.recent->other_contacts)}};
    if (!state.recent->action_id.empty()) r["action_id"] = state.recent->action_id;
    if (state.recent->reminder_id != 0) r["reminder_id"] = state.recent->reminder_id;
    o["recent"] = std::move(r);
  }
  if (!state.last_contact.empty()) o["last_contact"] = state.last_contact;
  if (state.choice)
    o["choice"] = json::object{{"skills", texts_json(state.choice->skills)}, {"slots", slots_json(state.choice->slots)}};
  return json::serialize(o);
}

DialogState decode_state(std::string_view text, std::int64_t user_id, std::int64_t* saved_at_us) {
  if (saved_at_us) *saved_at_us = 0;
  if (text.empty() || text.size() > kMaxText) return {};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  const json::object& o = v.get_object();
  const json::value* version = o.if_contains("v");
  const json::value* user = o.if_contains("user");
  if (!version || !version->is_int64() || version->get_int64() != kVersion) return {};
  if (!user || !user->is_int64() || user->get_int64() != user_id) return {};
  const json::value* at = o.if_contains("at");
  if (!at || !at->is_int64()) return {};
  try {
    DialogState st = state_of(o);
    if (saved_at_us) *saved_at_us = at->get_int64();
    return st;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace hark::dialog::internal
