// A skill file whose sentence "go <r1>" reaches its one word "down" through a chain of
// `depth` rules (<r1> -> <r2> -> ... -> r<depth>: "down"). The sentence is on line 3.
#pragma once

#include <string>

namespace hark::testing {

inline std::string deep_rules_skill(int depth) {
  std::string y = "name: deep\nsentences:\n  - \"go <r1>\"\nrules:\n";
  for (int i = 1; i < depth; ++i)
    y += "  r" + std::to_string(i) + ": \"<r" + std::to_string(i + 1) + ">\"\n";
  y += "  r" + std::to_string(depth) + ": \"down\"\n";
  return y;
}

}  // namespace hark::testing
