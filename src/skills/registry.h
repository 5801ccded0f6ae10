// Loads skill files and holds the loaded skills. Loading happens once at start-up;
// afterwards a Registry is read-only and safe to share between threads.
#pragma once

#include "skills/skill.h"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hark::skills {

// A skill file that cannot be loaded. what() reads "FILE:LINE: reason".
class LoadError : public std::runtime_error {
 public:
  LoadError(std::string file, int line, std::string reason);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  int line_;
  std::string reason_;
};

// Parses one skill file. Throws LoadError (file, 1-based line, reason) on any error:
// bad YAML, a missing or unknown key, a slot used in a sentence but not declared, an
// unknown type, an unbalanced ( [ { <, an unknown <rule>, a {slot} in a response that the
// skill does not have.
// <rule> references resolve against the skill's own rules and the built-in shared rules
// (skills/_rules.yaml).
Skill parse_skill(std::string_view yaml_text, const std::string& source_name);

// Same, with `shared_rules` as the rules every skill may use.
Skill parse_skill(std::string_view yaml_text, const std::string& source_name,
                  const std::map<std::string, std::string>& shared_rules);

// Rules shared by every skill: the built-in skills/_rules.yaml.
const std::map<std::string, std::string>& builtin_shared_rules();

class Registry {
 public:
  // Adds the built-in skills. Throws LoadError (a bug in the shipped files).
  void load_builtin();
  // Adds every *.yaml / *.yml file of `dir`, sorted by name. Throws LoadError for the
  // first bad file or a name that is already loaded; nothing of `dir` is added then.
  // A file whose name starts with '_' holds only `rules:`, added to the shared rules.
  void load_dir(const std::filesystem::path& dir);
  // Adds one skill; throws LoadError if its name is taken.
  void add(Skill skill);

  const std::vector<Skill>& all() const { return skills_; }
  const Skill* find(std::string_view name) const;
  // Rules any skill may use as <name>: the built-in ones plus those of loaded '_' files.
  // The parser expands a <rule> with the skill's own rules first, then these.
  const std::map<std::string, std::string>& shared_rules() const { return shared_rules_; }

 private:
  std::vector<Skill> skills_;
  std::map<std::string, std::string> shared_rules_ = builtin_shared_rules();
};

}  // namespace hark::skills
