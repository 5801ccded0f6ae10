#include "skills/template_scan.h"

namespace hark::skills {

bool is_snake_case(std::string_view name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_identifier(std::string_view name) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (name.empty() || !letter(name[0])) return false;
  for (char c : name)
    if (!(letter(c) || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

TemplateScan scan_template(std::string_view text) {
  TemplateScan out;
  std::string stack;  // open brackets of ( and [
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '(' || c == '[') {
      stack.push_back(c);
    } else if (c == ')' || c == ']') {
      char open = c == ')' ? '(' : '[';
      if (stack.empty() || stack.back() != open) {
        out.error = std::string("unbalanced '") + c + "'";
        return out;
      }
      stack.pop_back();
    } else if (c == '{' || c == '<') {
      char close = c == '{' ? '}' : '>';
      auto end = text.find(close, i + 1);
      if (end == std::string_view::npos) {
        out.error = std::string("unbalanced '") + c + "'";
        return out;
      }
      std::string name(text.substr(i + 1, end - i - 1));
      // Slots name action params, which apps may spell in camelCase; rules are ours.
      if (c == '{' ? !is_identifier(name) : !is_snake_case(name)) {
        out.error = std::string("bad name '") + name + "' inside " + c + close;
        return out;
      }
      (c == '{' ? out.slots : out.rules).push_back(std::move(name));
      i = end;
    } else if (c == '}' || c == '>') {
      out.error = std::string("unbalanced '") + c + "'";
      return out;
    } else if (c == '|' && stack.empty()) {
      out.error = "'|' outside ( ) or [ ]";
      return out;
    }
  }
  if (!stack.empty()) out.error = std::string("unbalanced '") + stack.back() + "'";
  return out;
}

std::vector<std::string> response_slots(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    auto end = text.find('}', i + 1);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(i + 1, end - i - 1));
    i = end;
  }
  return out;
}

}  // namespace hark::skills
