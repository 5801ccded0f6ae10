#include "server/json_util.h"

#include <boost/json/parse.hpp>

namespace json = boost::json;

namespace hark::server {

Result<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return make_error(Errc::bad_request, "The body is not valid JSON.");
  if (!v.is_object()) return make_error(Errc::invalid_field, "The body must be a JSON object.");
  return std::move(v.get_object());
}

Result<std::optional<std::string>> string_field(const json::object& o, std::string_view key,
                                                bool required) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return make_error(Errc::invalid_field, "\"" + std::string(key) + "\" is required.");
    return std::optional<std::string>{};
  }
  if (!v->is_string())
    return make_error(Errc::invalid_field, "\"" + std::string(key) + "\" must be a string.");
  return std::optional<std::string>{std::string(v->get_string())};
}

Result<std::optional<bool>> bool_field(const json::object& o, std::string_view key, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return make_error(Errc::invalid_field, "\"" + std::string(key) + "\" is required.");
    return std::optional<bool>{};
  }
  if (!v->is_bool())
    return make_error(Errc::invalid_field, "\"" + std::string(key) + "\" must be true or false.");
  return std::optional<bool>{v->get_bool()};
}

}  // namespace hark::server
