// Text -> intent + slots. Built once from the loaded skills; parse() is const and
// thread-safe, so one Parser serves every connection.
//
// Two stages: the skills' sentence templates first (exact and near-exact matches, precise
// slots); for what they miss, a classifier trained at construction from the same
// templates, the skills' `examples:` and a background class of requests no skill covers.
// A classifier answer has lower confidence than any template match, only typed and
// closed-list slots (free text is left for the dialog to ask), and stands only above a
// confidence threshold; a skill that needs confirmation is chosen by it only when every
// content word of the request is the skill's own, and a skill that acts only when the
// request names a value of each closed-list slot its sentences all have and has no noun
// WordNet files under a background topic foreign to the skill (nlu/evidence.h).
// Otherwise the answer is "fallback".
#pragma once

#include "nlu/slot_value.h"
#include "skills/registry.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hark::nlu {

// A contact of the user, to resolve "call mother" to "Mom".
struct ContactName {
  std::string name;                  // as the user stored it: "Mom"
  std::vector<std::string> aliases;  // "mother", "mum"
};

// What parsing needs to know about the moment and the user.
struct Context {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::string timezone = "UTC";  // IANA name, from the session's `config`
  std::vector<ContactName> contacts;
};

struct Slot {
  SlotValue value;  // normalized after the slot's type
  std::string raw;           // the words said, as said
  friend bool operator==(const Slot&, const Slot&) = default;
};

struct ParseResult {
  std::string intent = "fallback";  // a skill name, or "fallback"
  std::map<std::string, Slot> slots;
  double confidence = 0.0;  // 0..1
  // An ask-back: the parser cannot tell which of two skills is meant, or a skill that acts
  // after a confirmation is only probable. Then `intent` stays "fallback", `choices` names
  // the skills to ask between (most likely first; one when the question is "did you mean
  // ...?") and `slots` holds what was found for the first. Empty otherwise.
  std::vector<std::string> choices;
};

struct ParserOptions {
  // False: the statistical stage alone answers (to measure how it generalizes, apart from
  // templates written with development data in view). Only for measurement.
  bool templates = true;
  // Where the statistical stage keeps what it asked WordNet, under a hash of the words
  // asked about (a start-up with it reads one file); empty: ask again at each start.
  std::filesystem::path cache_dir;
};

class Parser {
 public:
  // REQUIRES: `registry` outlives the parser. Throws skills::LoadError for a sentence
  // template that does not compile (the message names the skill's file).
  explicit Parser(const skills::Registry& registry, ParserOptions options = {});
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  ParseResult parse(std::string_view text, const Context& ctx) const;

  // Reads `text` as the value of one slot (the answer to a slot question such as
  // "What should the message say?"). nullopt when it is not a value of that slot.
  std::optional<Slot> parse_slot(const skills::SlotDef& slot, std::string_view text,
                                 const Context& ctx) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hark::nlu
