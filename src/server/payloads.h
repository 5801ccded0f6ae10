// The JSON shapes of the HTTP API (PROTOCOL.md): what a user, a token pair, a skill and a
// contact list look like on the wire, both ways.
#pragma once

#include "auth/auth.h"
#include "common/error.h"
#include "skills/skill.h"
#include "store/store.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hark::server {

// What PUT /contacts accepts (server::Options::max_contact*).
struct ContactLimits {
  std::size_t contacts = 0;     // per user
  std::size_t entries = 0;      // phones, and aliases, per contact
  std::size_t field_bytes = 0;  // of a name, an alias or a phone
};

// {"id", "email", "display_name", "created_at"}
boost::json::object user_json(const store::User& u);
// {"access_token", "token_type": "bearer", "expires_in", "refresh_token"}
boost::json::object token_json(const auth::TokenPair& t);
// {"name", "description", "action" (null for backend-answered skills), "needs_confirmation",
//  "params": [{"name", "type", "required", "values"?, "unit"?}], "examples": [...]}
boost::json::object skill_json(const skills::Skill& s);
// A first-choice reading of a sentence template: "(call | phone) {target} [now]" ->
// "call {target}"; rules of the skill are expanded, others dropped.
std::string example_of(std::string_view tpl, const skills::Skill& skill, int depth = 0);
// The body of PUT /contacts: an array (at most kMaxContacts) of {"name": non-empty string,
// "phones"?: [string], "aliases"?: [string]}. Errc::invalid_field naming the bad entry.
Result<std::vector<store::Contact>> parse_contacts(const boost::json::value& v, const ContactLimits& limits);
// "2026-03-01T09:30:00Z"
std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace hark::server
