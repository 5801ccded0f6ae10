// The built-in skill files (skills/*.yaml), compiled into the binary by cmake/embed_skills.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace hark::skills {

struct EmbeddedFile {
  std::string_view name;     // "builtin:call.yaml"
  std::string_view content;  // the YAML text
};

const std::vector<EmbeddedFile>& builtin_skill_files();

}  // namespace hark::skills
