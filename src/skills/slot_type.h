// The kind of value a slot holds, read once from a skill file's `type:` (or its absence:
// a closed list of `values`) by the loader; every module compares this enum, not text.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hark::skills {

// kNumber..kDuration stay contiguous and in this order: the parser indexes its per-type
// caches by (type - kNumber).
enum class SlotType { kText, kContact, kNumber, kTime, kDate, kDateTime, kDuration, kClosed };

// The name a skill file spells; "" for kClosed (printed as such in the model cache key).
constexpr std::string_view slot_type_name(SlotType t) {
  switch (t) {
    case SlotType::kText: return "text";
    case SlotType::kContact: return "contact";
    case SlotType::kNumber: return "number";
    case SlotType::kTime: return "time";
    case SlotType::kDate: return "date";
    case SlotType::kDateTime: return "datetime";
    case SlotType::kDuration: return "duration";
    case SlotType::kClosed: break;
  }
  return "";
}

// The built-in type a skill file's `type:` names; nullopt for anything else (including "":
// a closed list has no `type:`).
constexpr std::optional<SlotType> parse_slot_type(std::string_view name) {
  constexpr std::array kAll = {SlotType::kText, SlotType::kContact,  SlotType::kNumber,  SlotType::kTime,
                               SlotType::kDate, SlotType::kDateTime, SlotType::kDuration};
  for (SlotType t : kAll)
    if (slot_type_name(t) == name) return t;
  return std::nullopt;
}

}  // namespace hark::skills
