#include "store/columns.h"

#include <boost/json.hpp>

namespace hark::store::columns {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string strings_to_json(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& v : values) array.emplace_back(v);
  return boost::json::serialize(array);
}

Result<std::vector<std::string>> strings_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) {
    return make_error(Errc::internal, "database holds a malformed contact field");
  }
  std::vector<std::string> out;
  for (const auto& v : value.as_array()) {
    if (!v.is_string()) return make_error(Errc::internal, "database holds a malformed contact field");
    out.emplace_back(v.as_string());
  }
  return out;
}

}  // namespace hark::store::columns
