// The skills the backend answers itself (no action for the app): time, date, calculator,
// unit_conversion, reminder_list, list_add/remove/read/clear, greeting, goodbye, thanks,
// help, joke, flip_coin, roll_dice. The dialogue words (confirm, deny, cancel, repeat)
// belong to the conversation, not here.
#pragma once

#include "common/error.h"
#include "dialog/random.h"
#include "nlu/parser.h"
#include "skills/registry.h"
#include "store/store.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hark::dialog {

struct AnswerContext {
  std::int64_t user_id = 0;
  store::Store* store = nullptr;
  const skills::Registry* skills = nullptr;
  Random* random = nullptr;
  std::chrono::system_clock::time_point now;
  std::string timezone = "UTC";  // the session's zone, already validated
  std::string utterance;         // the words of this turn (the calculator reads them)
};

// True for the skills answer() knows.
bool is_answered_skill(std::string_view intent);

// The message for a backend-answered skill; nullopt when `intent` is not one of them.
// Errc::unavailable when the store fails (lists, reminders).
Result<std::optional<std::string>> answer(std::string_view intent,
                                          const std::map<std::string, nlu::Slot>& slots,
                                          const AnswerContext& ctx);

// The spoken name of a stored list: "shopping" -> "shopping list", "todo" -> "to-do list".
std::string list_title(std::string_view list);

}  // namespace hark::dialog
