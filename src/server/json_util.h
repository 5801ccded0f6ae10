// Small helpers to read request bodies with Boost.JSON and turn shape errors into
// Errc values with a sentence that names the field.
#pragma once

#include "common/error.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace hark::server {

// Errc::bad_request for text that is not JSON, Errc::invalid_field for JSON that is not
// an object.
Result<boost::json::object> parse_object(std::string_view body);

// The string at `key`: nullopt when absent or null (Errc::invalid_field when `required`),
// Errc::invalid_field when it has another type.
Result<std::optional<std::string>> string_field(const boost::json::object& o, std::string_view key,
                                                bool required);

// Like string_field for a boolean.
Result<std::optional<bool>> bool_field(const boost::json::object& o, std::string_view key,
                                       bool required);

}  // namespace hark::server
