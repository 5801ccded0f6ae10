// The slot type is read once by the loader: every name a skill file may spell becomes its
// enum and prints back the same (the model cache key and GET /skills print it), and any
// other name is refused at load with the line of the `type:`.
#include "skills/registry.h"
#include "skills/slot_type.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hark::skills {
namespace {

const std::vector<std::pair<std::string, SlotType>> kNames = {
    {"text", SlotType::kText}, {"contact", SlotType::kContact},   {"number", SlotType::kNumber},
    {"time", SlotType::kTime}, {"date", SlotType::kDate},         {"datetime", SlotType::kDateTime},
    {"duration", SlotType::kDuration}};

std::string one_slot_skill(const std::string& type) {
  return "name: a\nslots:\n  x:\n    type: " + type + "\nsentences: [\"{x}\"]\n";
}

TEST(SlotType, EachNameRoundTripsThroughTheLoader) {
  for (const auto& [name, type] : kNames) {
    EXPECT_EQ(parse_slot_type(name), type) << name;
    EXPECT_EQ(slot_type_name(type), name);
    Skill s = parse_skill(one_slot_skill(name), "a.yaml");
    ASSERT_EQ(s.slots.size(), 1u);
    EXPECT_EQ(s.slots[0].type, type) << name;
    EXPECT_EQ(slot_type_name(s.slots[0].type), name);
  }
}

TEST(SlotType, AClosedListHasNoTypeName) {
  Skill s = parse_skill("name: a\nslots:\n  x:\n    values: [red, blue]\nsentences: [\"{x}\"]\n", "a.yaml");
  ASSERT_EQ(s.slots.size(), 1u);
  EXPECT_EQ(s.slots[0].type, SlotType::kClosed);
  EXPECT_EQ(slot_type_name(SlotType::kClosed), "");
  EXPECT_EQ(SlotDef{}.type, SlotType::kClosed);
}

// "closed" is only how GET /skills shows a list; a file cannot spell it, nor a name in
// another case, nor an empty type.
TEST(SlotType, AnUnknownNameIsRefusedAtLoadWithItsLine) {
  for (const std::string bad : {"closed", "Text", "\"\"", "colour"}) {
    EXPECT_FALSE(parse_slot_type(bad).has_value()) << bad;
    try {
      parse_skill(one_slot_skill(bad), "bad.yaml");
      ADD_FAILURE() << "no LoadError for type " << bad;
    } catch (const LoadError& e) {
      EXPECT_EQ(e.line(), 4) << e.what();
      EXPECT_NE(e.reason().find("unknown type"), std::string::npos) << e.what();
      EXPECT_NE(e.reason().find("of slot 'x'"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("bad.yaml:4: ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace hark::skills
