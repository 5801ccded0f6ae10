// Column codecs shared by the SQLite and PostgreSQL stores: one home for how an email is
// folded and how a contact's phones and aliases are kept (a JSON array of strings).
#pragma once

#include "common/error.h"

#include <string>
#include <string_view>
#include <vector>

namespace hark::store::columns {

// Lower-cases ASCII letters only (emails compare case-insensitively, bytes otherwise kept).
std::string ascii_lower(std::string_view s);

std::string strings_to_json(const std::vector<std::string>& values);
// Errc::internal when the column does not hold a JSON array of strings.
Result<std::vector<std::string>> strings_from_json(std::string_view text);

}  // namespace hark::store::columns
