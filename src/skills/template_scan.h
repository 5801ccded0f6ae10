// A syntax check of sentence templates, shared by the loader (validation) and the
// parser (compilation happens in src/nlu; this only finds slots, rules and balance).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::skills {

struct TemplateScan {
  std::optional<std::string> error;  // "unbalanced '('" and the like; nullopt when fine
  std::vector<std::string> slots;    // {slot} names in order of appearance
  std::vector<std::string> rules;    // <rule> names in order of appearance
};

// Checks brackets ( [ { < and the names inside { } and < >.
TemplateScan scan_template(std::string_view text);

// The {slot} names of a response or question text (no other syntax there).
std::vector<std::string> response_slots(std::string_view text);

bool is_snake_case(std::string_view name);
// A letter, then letters, digits or '_': slot names (they are action params: camelCase is fine).
bool is_identifier(std::string_view name);

}  // namespace hark::skills
