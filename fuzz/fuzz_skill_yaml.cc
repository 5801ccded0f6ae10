// The skill YAML loader and the sentence-template grammar: a skill file as text; when it
// loads, every template of it is compiled as the parser would.
#include "nlu/template.h"
#include "skills/registry.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hark;
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    skills::Skill skill = skills::parse_skill(text, "fuzz.yaml");
    nlu::Vocabulary vocab;
    for (const auto& t : skill.sentences) {
      try {
        auto seq = nlu::compile_template(t, skill, skills::builtin_shared_rules(), vocab);
        (void)nlu::required_words(seq);
        (void)nlu::min_tokens(seq);
      } catch (const skills::LoadError&) {
      }
    }
  } catch (const skills::LoadError&) {
  }
  return 0;
}
