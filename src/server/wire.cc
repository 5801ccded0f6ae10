#include "server/wire.h"

#include "server/payloads.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <array>

namespace json = boost::json;

namespace hark::server {

namespace {

constexpr std::array kErrcTable{
    ErrcInfo{Errc::bad_request, 400},        ErrcInfo{Errc::invalid_credentials, 401},
    ErrcInfo{Errc::invalid_token, 401},      ErrcInfo{Errc::forbidden, 403},
    ErrcInfo{Errc::not_found, 404},          ErrcInfo{Errc::email_taken, 409},
    ErrcInfo{Errc::too_large, 413},          ErrcInfo{Errc::invalid_field, 422},
    ErrcInfo{Errc::rate_limited, 429},       ErrcInfo{Errc::busy, 503},
    ErrcInfo{Errc::unavailable, 503},        ErrcInfo{Errc::internal, 500},
    ErrcInfo{Errc::unknown_type, 400},       ErrcInfo{Errc::bad_audio, 400},
    ErrcInfo{Errc::speech_unavailable, 503},
};

// The table is indexed by the enum: a code added to Errc without a row fails here.
constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kErrcTable.size(); ++i)
    if (static_cast<std::size_t>(kErrcTable[i].code) != i) return false;
  return static_cast<std::size_t>(Errc::speech_unavailable) + 1 == kErrcTable.size();
}
static_assert(table_in_enum_order(), "kErrcTable must list every Errc, in order");

}  // namespace

std::span<const ErrcInfo> errc_table() { return kErrcTable; }

int http_status(Errc code) {
  auto i = static_cast<std::size_t>(code);
  return i < kErrcTable.size() ? kErrcTable[i].http_status : 500;
}

std::optional<Errc> errc_from_name(std::string_view name) {
  for (const auto& row : kErrcTable)
    if (errc_name(row.code) == name) return row.code;
  return std::nullopt;
}

std::string client_detail(const Error& e) {
  switch (e.code) {
    case Errc::internal:
      spdlog::warn("internal error answered to a client: {}", e.detail);
      return "Something went wrong on our side.";
    case Errc::unavailable:
      spdlog::warn("unavailable answered to a client: {}", e.detail);
      return "The service is not available right now; try again shortly.";
    default:
      return e.detail;
  }
}

json::object http_error_body(const Error& e) {
  return {{"detail", client_detail(e)}, {"code", errc_name(e.code)}};
}

json::object ws_error(Errc code, std::string_view detail, const std::optional<std::string>& turn_id,
                      const json::value* in_reply_to) {
  json::object o{{"type", "error"}, {"code", errc_name(code)}, {"detail", detail}};
  if (turn_id) o["turn_id"] = *turn_id;
  if (in_reply_to && !in_reply_to->is_null()) o["in_reply_to"] = *in_reply_to;
  return o;
}

std::string ws_error_frame(Errc code, std::string_view detail,
                           const std::optional<std::string>& turn_id, const json::value* in_reply_to) {
  return json::serialize(ws_error(code, detail, turn_id, in_reply_to));
}

std::string ready_frame(std::string_view session_id, std::int64_t user_id, std::string_view email) {
  return json::serialize(json::object{{"type", "ready"},
                                      {"session_id", session_id},
                                      {"user", json::object{{"id", user_id}, {"email", email}}},
                                      {"protocol", 1}});
}

std::string pong_frame() { return R"({"type":"pong"})"; }

std::string transcript_frame(std::string_view turn_id, std::string_view text, bool final) {
  return json::serialize(
      json::object{{"type", "transcript"}, {"turn_id", turn_id}, {"text", text}, {"final", final}});
}

std::string audio_frame(std::string_view base64_wav, std::string_view turn_id) {
  return json::serialize(
      json::object{{"type", "audio"}, {"format", "wav"}, {"content", base64_wav}, {"turn_id", turn_id}});
}

json::value slot_value_json(const nlu::SlotValue& v) {
  struct Encode {
    json::value operator()(std::monostate) const { return nullptr; }
    json::value operator()(const nlu::Text& t) const { return json::string(t.text); }
    json::value operator()(const nlu::Number& n) const { return n.value; }
    json::value operator()(const nlu::Time& t) const { return json::string(t.hhmm); }
    json::value operator()(const nlu::Date& d) const { return json::string(d.ymd); }
    json::value operator()(const nlu::DateTime& d) const { return json::string(d.iso); }
    json::value operator()(const nlu::Duration& d) const { return d.amount; }
  };
  return std::visit(Encode{}, v);
}

json::object action_json(const dialog::Action& a) {
  json::object params;
  for (const auto& [name, value] : a.params) params[name] = slot_value_json(value);
  if (a.number) params["number"] = *a.number;
  json::object out{{"id", a.id}, {"name", a.name}, {"params", std::move(params)},
                   {"needs_confirmation", a.needs_confirmation}};
  if (a.replaces) out["replaces"] = *a.replaces;
  return out;
}

std::string action_text(const dialog::Action& a) { return json::serialize(action_json(a)); }

json::object response_json(const dialog::Reply& r) {
  json::object out(8);
  out["type"] = "response";
  out["id"] = r.id;
  out["turn_id"] = r.turn_id;
  out["message"] = r.message;
  if (r.action) out["action"] = action_json(*r.action);
  out["intent"] = r.intent;
  out["expects_reply"] = r.expects_reply;
  if (r.transcript) out["transcript"] = *r.transcript;
  return out;
}

std::string response_frame(const dialog::Reply& r) { return json::serialize(response_json(r)); }

json::object parse_json(const dialog::ParseReply& p) {
  json::object slots;
  for (const auto& [name, slot] : p.slots) slots[name] = json::object{{"value", slot_value_json(slot.value)}, {"raw", slot.raw}};
  json::object out{{"intent", p.intent}, {"slots", std::move(slots)}, {"confidence", p.confidence}};
  if (!p.choices.empty()) out["choices"] = json::array(p.choices.begin(), p.choices.end());
  return out;
}

json::object history_json(const std::vector<store::Turn>& turns, std::optional<std::int64_t> next_before) {
  json::array items;
  for (const auto& t : turns) {
    json::object item{{"id", t.id}, {"role", t.role}, {"text", t.text}, {"created_at", iso8601_utc(t.created_at)}};
    if (!t.action_json.empty()) {
      boost::system::error_code ec;
      auto action = json::parse(t.action_json, ec);
      if (!ec && action.is_object()) item["action"] = std::move(action);
    }
    items.push_back(std::move(item));
  }
  json::value next = nullptr;
  if (next_before) next = *next_before;
  return json::object{{"items", std::move(items)}, {"next_before", next}};
}

json::array contacts_json(const std::vector<store::Contact>& contacts) {
  json::array out;
  for (const auto& c : contacts) {
    json::array phones(c.phones.begin(), c.phones.end());
    json::array aliases(c.aliases.begin(), c.aliases.end());
    out.push_back(json::object{{"name", c.name}, {"phones", std::move(phones)}, {"aliases", std::move(aliases)}});
  }
  return out;
}

}  // namespace hark::server
