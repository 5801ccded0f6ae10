// yaml-cpp throws; this file is the adapter that turns every problem into a LoadError
// carrying the file and the 1-based line of the offending node.
#include "skills/registry.h"

#include "skills/builtin.h"
#include "skills/grammar.h"
#include "skills/template_scan.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace hark::skills {

LoadError::LoadError(std::string file, int line, std::string reason)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + reason),
      file_(std::move(file)),
      line_(line),
      reason_(std::move(reason)) {}

namespace {

const std::set<std::string> kSkillKeys = {"name",  "description", "action",   "needs_confirmation",
                                          "slots", "rules",       "sentences", "response",
                                          "changed", "offer", "ask",         "examples",
                                          "training"};
const std::set<std::string> kSlotKeys = {"type", "values", "required", "unit"};

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

std::string lower_words(const std::string& s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

class FileParser {
 public:
  FileParser(std::string source, const std::map<std::string, std::string>& shared)
      : source_(std::move(source)), shared_(shared) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& why) const {
    throw LoadError(source_, line_of(n), why);
  }

  YAML::Node load(std::string_view text) const {
    try {
      return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      throw LoadError(source_, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a string");
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& what) const {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) fail(n, what + " must be true or false");
    return b;
  }

  std::vector<std::string> string_list(const YAML::Node& n, const std::string& what,
                                       std::vector<int>* lines = nullptr) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      if (lines) lines->push_back(line_of(n));
      return out;
    }
    if (!n.IsSequence()) fail(n, what + " must be a string or a list of strings");
    for (const auto& item : n) {
      out.push_back(scalar(item, what + " entry"));
      if (lines) lines->push_back(line_of(item));
    }
    return out;
  }

  std::map<std::string, std::string> rules(const YAML::Node& n,
                                           std::map<std::string, int>* lines) const {
    if (!n.IsMap()) fail(n, "rules must be a mapping of name: template");
    std::map<std::string, std::string> out;
    for (const auto& kv : n) {
      std::string name = scalar(kv.first, "rule name");
      if (!is_snake_case(name)) fail(kv.first, "rule name '" + name + "' is not snake_case");
      std::string body = scalar(kv.second, "rule '" + name + "'");
      auto scan = scan_template(body);
      if (scan.error) fail(kv.second, "rule '" + name + "': " + *scan.error);
      out[name] = body;
      (*lines)[name] = line_of(kv.second);
    }
    return out;
  }

  SlotDef slot(const std::string& name, const YAML::Node& n) const {
    SlotDef def;
    def.name = name;
    if (!n.IsMap()) fail(n, "slot '" + name + "' must be a mapping");
    for (const auto& kv : n) {
      auto key = scalar(kv.first, "key");
      if (!kSlotKeys.count(key)) fail(kv.first, "unknown key '" + key + "' in slot '" + name + "'");
    }
    if (n["type"] && n["values"]) fail(n, "slot '" + name + "' has both type and values");
    if (auto t = n["type"]) {
      auto type = scalar(t, "type");
      auto parsed = parse_slot_type(type);
      if (!parsed) fail(t, "unknown type '" + type + "' of slot '" + name + "'");
      def.type = *parsed;
    } else if (auto vs = n["values"]) {
      if (!vs.IsSequence() || vs.size() == 0) fail(vs, "values of '" + name + "' must be a non-empty list");
      for (const auto& v : vs) def.values.push_back(value(v));
    } else {
      fail(n, "slot '" + name + "' needs a type or values");
    }
    if (auto u = n["unit"]) {
      def.unit = scalar(u, "unit");
      if (def.type != SlotType::kDuration) fail(u, "unit is only for duration slots");
      if (def.unit != "seconds" && def.unit != "minutes") fail(u, "unit must be seconds or minutes");
    }
    return def;
  }

  SlotValue value(const YAML::Node& v) const {
    SlotValue out;
    if (v.IsScalar()) {
      out.out = v.Scalar();
      out.in.push_back(lower_words(v.Scalar()));
      return out;
    }
    if (!v.IsMap() || !v["in"] || !v["out"]) fail(v, "a value is a phrase or {in: [...], out: x}");
    for (const auto& kv : v) {
      auto key = scalar(kv.first, "key");
      if (key != "in" && key != "out") fail(kv.first, "unknown key '" + key + "' in a value");
    }
    out.out = scalar(v["out"], "out");
    for (auto& s : string_list(v["in"], "in")) out.in.push_back(lower_words(s));
    return out;
  }

  // The tree of `text`; its errors (the nesting limit among them) name the line `at`.
  Phrase grammar(const std::string& text, const Skill& sk, const YAML::Node& at) const {
    try {
      return parse_sentence(text, sk, shared_);
    } catch (const GrammarError& e) {
      fail(at, e.what());
    }
  }

  // Slot names used by `body`, following rules; `seen` stops recursive rules.
  void collect(const std::string& body, const YAML::Node& at,
               const std::map<std::string, std::string>& own, std::set<std::string>& slots,
               std::set<std::string>& seen) const {
    auto scan = scan_template(body);
    if (scan.error) fail(at, *scan.error + " in \"" + body + "\"");
    for (auto& s : scan.slots) slots.insert(s);
    for (auto& r : scan.rules) {
      const std::string* rb = nullptr;
      if (auto it = own.find(r); it != own.end()) rb = &it->second;
      else if (auto it2 = shared_.find(r); it2 != shared_.end()) rb = &it2->second;
      if (!rb) fail(at, "unknown rule <" + r + ">");
      if (!seen.insert(r).second) fail(at, "rule <" + r + "> refers to itself");
      collect(*rb, at, own, slots, seen);
      seen.erase(r);
    }
  }

  Skill skill(const YAML::Node& root, int* name_line) const {
    if (!root.IsMap()) fail(root, "a skill file is a mapping");
    for (const auto& kv : root) {
      auto key = scalar(kv.first, "key");
      if (!kSkillKeys.count(key)) fail(kv.first, "unknown key '" + key + "'");
    }
    Skill sk;
    sk.source = source_;
    if (!root["name"]) fail(root, "missing key 'name'");
    sk.name = scalar(root["name"], "name");
    *name_line = line_of(root["name"]);
    if (!is_snake_case(sk.name)) fail(root["name"], "name '" + sk.name + "' is not snake_case");
    if (auto d = root["description"]) sk.description = scalar(d, "description");
    if (auto a = root["action"]) {
      sk.action = scalar(a, "action");
      if (!is_snake_case(sk.action)) fail(a, "action '" + sk.action + "' is not snake_case");
    }
    if (auto c = root["needs_confirmation"]) sk.needs_confirmation = boolean(c, "needs_confirmation");

    std::map<std::string, int> rule_lines;
    if (auto r = root["rules"]) sk.rules = rules(r, &rule_lines);

    std::map<std::string, YAML::Node> slot_nodes;
    if (auto s = root["slots"]) {
      if (s.IsNull()) {
      } else if (!s.IsMap()) {
        fail(s, "slots must be a mapping of name: definition");
      } else {
        for (const auto& kv : s) {
          std::string name = scalar(kv.first, "slot name");
          if (!is_identifier(name))
            fail(kv.first, "slot name '" + name + "' is not a name (a letter, then letters, digits or _)");
          sk.slots.push_back(slot(name, kv.second));
          slot_nodes[name] = kv.second;
        }
      }
    }

    if (!root["sentences"]) fail(root, "missing key 'sentences'");
    std::vector<int> sentence_lines;
    sk.sentences = string_list(root["sentences"], "sentences", &sentence_lines);
    if (sk.sentences.empty()) fail(root["sentences"], "sentences is empty");

    // Every rule must compile even when no sentence uses it.
    for (auto& [name, body] : sk.rules) {
      std::set<std::string> slots, seen{name};
      YAML::Node at = root["rules"][name];
      collect(body, at, sk.rules, slots, seen);
      for (auto& s : slots)
        if (!sk.find_slot(s)) fail(at, "rule '" + name + "' uses undeclared slot {" + s + "}");
      grammar(body, sk, at);
    }

    std::map<std::string, int> uses;
    const YAML::Node sentences = root["sentences"];
    for (std::size_t i = 0; i < sk.sentences.size(); ++i) {
      YAML::Node at = sentences.IsSequence() ? sentences[i] : sentences;
      std::set<std::string> slots, seen;
      collect(sk.sentences[i], at, sk.rules, slots, seen);
      for (auto& s : slots) {
        if (!sk.find_slot(s)) fail(at, "slot {" + s + "} is not declared");
        ++uses[s];
      }
      sk.grammar.push_back(grammar(sk.sentences[i], sk, at));
    }
    for (auto& def : sk.slots) {
      const YAML::Node& n = slot_nodes[def.name];
      if (auto r = n["required"]) def.required = boolean(r, "required");
      else def.required = uses[def.name] == static_cast<int>(sk.sentences.size());
    }

    if (auto r = root["response"]) {
      sk.responses = string_list(r, "response");
      for (std::size_t i = 0; i < sk.responses.size(); ++i)
        for (auto& s : response_slots(sk.responses[i]))
          if (!sk.find_slot(s)) fail(r.IsSequence() ? r[i] : r, "response uses unknown slot {" + s + "}");
    }
    if (auto r = root["changed"]) {
      sk.changed = string_list(r, "changed");
      for (std::size_t i = 0; i < sk.changed.size(); ++i)
        for (auto& s : response_slots(sk.changed[i]))
          if (!sk.find_slot(s)) fail(r.IsSequence() ? r[i] : r, "changed uses unknown slot {" + s + "}");
    }
    if (auto r = root["offer"]) {
      sk.offer = string_list(r, "offer");
      for (std::size_t i = 0; i < sk.offer.size(); ++i)
        for (auto& s : response_slots(sk.offer[i]))
          if (!sk.find_slot(s)) fail(r.IsSequence() ? r[i] : r, "offer uses unknown slot {" + s + "}");
    }
    if (auto a = root["ask"]) {
      if (!a.IsMap()) fail(a, "ask must be a mapping of slot: question");
      for (const auto& kv : a) {
        auto slot_name = scalar(kv.first, "ask key");
        if (!sk.find_slot(slot_name)) fail(kv.first, "ask for unknown slot '" + slot_name + "'");
        auto q = scalar(kv.second, "question");
        for (auto& s : response_slots(q))
          if (!sk.find_slot(s)) fail(kv.second, "question uses unknown slot {" + s + "}");
        sk.ask[slot_name] = q;
      }
    }
    if (auto e = root["examples"]) sk.examples = string_list(e, "examples");
    if (auto t = root["training"]) sk.training = string_list(t, "training");
    return sk;
  }

  std::map<std::string, std::string> rules_file(const YAML::Node& root) const {
    if (!root.IsMap()) fail(root, "a rules file is a mapping with only 'rules:'");
    for (const auto& kv : root) {
      auto key = scalar(kv.first, "key");
      if (key != "rules") fail(kv.first, "a rules file holds only 'rules:', found '" + key + "'");
    }
    if (!root["rules"]) fail(root, "missing key 'rules'");
    std::map<std::string, int> lines;
    auto out = rules(root["rules"], &lines);
    // References inside shared rules resolve among themselves.
    FileParser self(source_, out);
    for (auto& [name, body] : out) {
      std::set<std::string> slots, seen{name};
      self.collect(body, root["rules"][name], {}, slots, seen);
      if (!slots.empty()) fail(root["rules"][name], "a shared rule cannot use slots");
    }
    return out;
  }

 private:
  std::string source_;
  const std::map<std::string, std::string>& shared_;
};

bool is_rules_file(const std::string& file_name) { return !file_name.empty() && file_name[0] == '_'; }

struct Parsed {
  Skill skill;
  int name_line;
};

Parsed parse_with_line(std::string_view text, const std::string& source,
                       const std::map<std::string, std::string>& shared) {
  FileParser p(source, shared);
  Parsed out;
  out.skill = p.skill(p.load(text), &out.name_line);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError(path.string(), 0, "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

const std::map<std::string, std::string>& builtin_shared_rules() {
  static const std::map<std::string, std::string> rules = [] {
    std::map<std::string, std::string> out;
    static const std::map<std::string, std::string> none;
    for (const auto& f : builtin_skill_files()) {
      auto base = std::string(f.name.substr(f.name.find(':') + 1));
      if (!is_rules_file(base)) continue;
      FileParser p(std::string(f.name), none);
      for (auto& [k, v] : p.rules_file(p.load(f.content))) out[k] = v;
    }
    return out;
  }();
  return rules;
}

Skill parse_skill(std::string_view yaml_text, const std::string& source_name) {
  return parse_skill(yaml_text, source_name, builtin_shared_rules());
}

Skill parse_skill(std::string_view yaml_text, const std::string& source_name,
                  const std::map<std::string, std::string>& shared_rules) {
  return parse_with_line(yaml_text, source_name, shared_rules).skill;
}

void Registry::load_builtin() {
  std::vector<Parsed> parsed;
  for (const auto& f : builtin_skill_files()) {
    auto base = std::string(f.name.substr(f.name.find(':') + 1));
    if (is_rules_file(base)) continue;  // already in shared_rules_
    parsed.push_back(parse_with_line(f.content, std::string(f.name), shared_rules_));
  }
  std::set<std::string> names;
  for (auto& s : skills_) names.insert(s.name);
  for (auto& p : parsed)
    if (!names.insert(p.skill.name).second)
      throw LoadError(p.skill.source, p.name_line, "skill name '" + p.skill.name + "' is already loaded");
  for (auto& p : parsed) {
    p.skill.builtin = true;
    skills_.push_back(std::move(p.skill));
  }
}

void Registry::load_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw LoadError(dir.string(), 0, "not a directory");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());

  // Rule files first, so that skills of the same dir can use their rules.
  auto rules = shared_rules_;
  static const std::map<std::string, std::string> none;
  for (auto& f : files) {
    if (!is_rules_file(f.filename().string())) continue;
    FileParser p(f.string(), none);
    auto root = p.load(read_file(f));
    for (auto& [k, v] : p.rules_file(root)) rules[k] = v;
  }
  FileParser check(dir.string(), rules);
  for (auto& [k, v] : rules) {
    std::set<std::string> slots, seen{k};
    check.collect(v, YAML::Node(), {}, slots, seen);
  }

  std::vector<Parsed> parsed;
  std::set<std::string> names;
  for (auto& s : skills_) names.insert(s.name);
  for (auto& f : files) {
    if (is_rules_file(f.filename().string())) continue;
    auto p = parse_with_line(read_file(f), f.string(), rules);
    if (!names.insert(p.skill.name).second)
      throw LoadError(f.string(), p.name_line, "skill name '" + p.skill.name + "' is already loaded");
    parsed.push_back(std::move(p));
  }
  shared_rules_ = std::move(rules);
  for (auto& p : parsed) skills_.push_back(std::move(p.skill));
}

void Registry::add(Skill skill) {
  if (find(skill.name)) throw LoadError(skill.source, 0, "skill name '" + skill.name + "' is already loaded");
  skills_.push_back(std::move(skill));
}

const Skill* Registry::find(std::string_view name) const {
  for (const auto& s : skills_)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace hark::skills
